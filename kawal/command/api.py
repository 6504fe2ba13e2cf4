from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import require_region
from kawal.api_errors import responses
from kawal.command.board import on_post
from kawal.command.status import AreaStatus, region_status
from kawal.replica import reads_from_replica
from kawal.territory.models import Region

router = Router(tags=["status"])


class TotalsOut(Schema):
    tps: int
    voters: int
    boxes: int
    boxes_by_state: dict[str, int]
    reached: dict[str, int]
    overdue: int
    open_alerts: int
    critical_alerts: int
    personnel: dict[str, int] | None = None
    # Members on post per force: checked in near their post, or, at a post with no check-in
    # yet, assigned by the plan. Command and sector only, where a plan covers the area.
    on_post: dict[str, int] | None = None


class StatusAreaOut(Schema):
    code: str
    name: str
    level: str
    totals: TotalsOut


class StatusOut(Schema):
    region: StatusAreaOut
    children: list[StatusAreaOut]


class RegionQuery(Schema):
    region: str


def _area(area: AreaStatus, with_personnel: bool, on_post: dict) -> dict[str, object]:
    totals = vars(area.totals).copy()
    if not with_personnel:
        totals.pop("personnel")
    totals["on_post"] = on_post.get(area.code)
    return {"code": area.code, "name": area.name, "level": area.level, "totals": totals}


@router.get("/status", response=responses(StatusOut, 403, 404), exclude_none=True)
@reads_from_replica
def status(request: AuthenticatedHttpRequest, q: Query[RegionQuery]) -> dict[str, object]:
    """A region's totals (TPS, voters, boxes by state and milestone, overdue legs, open alerts;
    for command and sector, personnel and members on post against plan) and the same for each
    child region."""
    scope = require_region(request.user, q.region)
    region = get_object_or_404(Region, code=q.region)
    personnel = scope.sees_personnel_in(q.region)
    result = region_status(region, with_personnel=personnel)
    posted = on_post(region, result) if personnel else {}
    return {
        "region": _area(result.region, personnel, posted),
        "children": [_area(c, personnel, posted) for c in result.children],
    }
