from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from kawal.accounts.models import Role
from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import PERSONNEL_ROLES, require_region
from kawal.api_errors import responses
from kawal.operations.models import Operation
from kawal.planning import coverage, qr, service
from kawal.territory.models import Region

router = Router(tags=["plan"])
# The field app scans a colleague's card to name them as an escort, so field staff read the
# NRP the card carries (as anyone holding the card does); an observer is never told it.
SCAN_NRP_ROLES = PERSONNEL_ROLES | {Role.FIELD}


class FigureOut(Schema):
    required: int
    assigned: int
    shortfall: int
    on_post: int  # checked in near the post; at a post with no check-in yet, as assigned


class PlanAreaOut(Schema):
    code: str
    name: str
    tps: int
    tps_covered: int
    posts: int
    forces: dict[str, FigureOut]


class PlanMemberOut(Schema):
    nrp: str
    name: str
    rank: str
    unit: str
    travel_km: float


class PlanPostOut(Schema):
    code: str
    kind: str
    stage: str
    name: str
    district: str
    category: str
    lat: float
    lng: float
    tps: list[str]
    route: list[dict]
    forces: dict[str, FigureOut]
    members: dict[str, list[PlanMemberOut]] | None = None


class ShortOut(Schema):
    post: str
    name: str
    stage: str
    missing: dict[str, int]


class PlanRef(Schema):
    id: int
    version: int
    status: str


class PlanOut(Schema):
    operation: str
    plan: PlanRef
    region: PlanAreaOut
    districts: list[PlanAreaOut]
    shortfall: list[ShortOut]
    posts: list[PlanPostOut]


class PlanQuery(Schema):
    region: str


class ScanIn(Schema):
    token: str


class ScanOut(Schema):
    plan: PlanRef
    post: str
    post_name: str
    stage: str
    nrp: str | None = None  # only for SCAN_NRP_ROLES over the post's district
    current: bool


@router.get("/plan", response=responses(PlanOut, 403, 404), exclude_none=True)
def plan(request: AuthenticatedHttpRequest, q: Query[PlanQuery]) -> dict:
    """The current deployment plan for a region: coverage, requirement, assignment and
    shortfall per force, per district and per post. Observers get counts, never names."""
    scope = require_region(request.user, q.region)
    region = get_object_or_404(Region, code=q.region)
    operation = Operation.objects.covering(region.code).first()
    current = service.current_plan(operation) if operation else None
    if current is None:
        raise Http404(f"no deployment plan covers {q.region} yet")
    personnel = scope.sees_personnel_in(q.region)
    result = coverage.coverage(current, region, with_personnel=personnel)
    return coverage.as_dict(result, with_personnel=personnel)


@router.post("/plan/scan", response=responses(ScanOut, 403), exclude_none=True)
def scan(request: AuthenticatedHttpRequest, body: ScanIn) -> dict | Status:
    """Check a scanned assignment QR code: which post and stage it names, and whether that
    assignment still stands in a plan in force. The caller's scope must cover the post; the
    member's NRP is named to field, sector, command and admin staff over its district, never
    to an observer."""
    try:
        result = qr.scan(body.token)
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})
    district = result.post.district_id
    scope = require_region(request.user, district)
    plan = result.plan
    return {
        "plan": {"id": plan.pk, "version": plan.version, "status": plan.status},
        "post": result.post.code,
        "post_name": result.post.name,
        "stage": result.stage,
        "nrp": result.nrp if scope.holding(SCAN_NRP_ROLES).covers(district) else None,
        "current": result.current,
    }
