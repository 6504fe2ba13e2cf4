from ninja import Query, Router, Schema

from kawal.accounts import audit
from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import require_personnel, require_region
from kawal.api_errors import responses
from kawal.personnel.models import Member
from kawal.territory.codes import within

router = Router(tags=["personnel"])


class PersonnelOut(Schema):
    nrp: str
    name: str
    rank: str
    force: str
    unit: str
    region: str
    phone: str


class PersonnelQuery(Schema):
    region: str
    force: str | None = None


@router.get("/personnel", response=responses(list[PersonnelOut], 403, 404))
def personnel(request: AuthenticatedHttpRequest, q: Query[PersonnelQuery]) -> list[dict[str, str]]:
    """Members based in a region. An observer is denied: personnel data never reaches them."""
    require_personnel(request.user)
    scope = require_region(request.user, q.region)
    members = Member.objects.filter(
        within("region__code", q.region), scope.personnel_filter("region__code")
    )
    if q.force:
        members = members.filter(force=q.force)
    audit.record("personnel.read", actor=request.user, region=q.region, force=q.force or "")
    return [
        {
            "nrp": m["nrp"],
            "name": m["name"],
            "rank": m["rank"],
            "force": m["force"],
            "unit": m["unit__name"],
            "region": m["region_id"],
            "phone": m["phone"],
        }
        for m in members.values("nrp", "name", "rank", "force", "unit__name", "region_id", "phone")
    ]
