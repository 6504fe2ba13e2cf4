from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import require_region
from kawal.api_errors import responses
from kawal.operations.models import Operation
from kawal.planning import coverage, qr, service
from kawal.territory.models import Region

router = Router(tags=["plan"])


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
    nrp: str
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
    result = coverage.coverage(current, region, with_personnel=scope.sees_personnel)
    return coverage.as_dict(result, with_personnel=scope.sees_personnel)


@router.post("/plan/scan", response=responses(ScanOut, 403))
def scan(request: AuthenticatedHttpRequest, body: ScanIn) -> dict | Status:
    """Check a scanned assignment QR code: which post and stage it names, and whether that
    assignment still stands in a plan in force. The caller's scope must cover the post."""
    try:
        result = qr.scan(body.token)
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})
    require_region(request.user, result.post.district_id)
    plan = result.plan
    return {
        "plan": {"id": plan.pk, "version": plan.version, "status": plan.status},
        "post": result.post.code,
        "post_name": result.post.name,
        "stage": result.stage,
        "nrp": result.nrp,
        "current": result.current,
    }
