from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import require_region
from kawal.command.status import AreaStatus, region_status
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


class AreaOut(Schema):
    code: str
    name: str
    level: str
    totals: TotalsOut


class StatusOut(Schema):
    region: AreaOut
    children: list[AreaOut]


class RegionQuery(Schema):
    region: str


def _area(area: AreaStatus, with_personnel: bool) -> dict[str, object]:
    totals = vars(area.totals).copy()
    if not with_personnel:
        totals.pop("personnel")
    return {"code": area.code, "name": area.name, "level": area.level, "totals": totals}


@router.get("/status", response=StatusOut, exclude_none=True)
def status(request: AuthenticatedHttpRequest, q: Query[RegionQuery]) -> dict[str, object]:
    """A region's totals (TPS, voters, boxes by state and milestone, overdue legs, open alerts)
    and the same for each child region."""
    scope = require_region(request.user, q.region)
    region = get_object_or_404(Region, code=q.region)
    result = region_status(region, with_personnel=scope.sees_personnel)
    return {
        "region": _area(result.region, scope.sees_personnel),
        "children": [_area(c, scope.sees_personnel) for c in result.children],
    }
