"""The deployment list per Polsek (daftar ploting personel): who stands where, stage by stage.

exports.py prints these rows as XLSX and PDF.
"""

from collections import defaultdict
from dataclasses import dataclass

from kawal.operations.models import Stage
from kawal.personnel.models import Force
from kawal.planning.models import Assignment, Plan, PostTPS
from kawal.territory.models import Region


@dataclass(frozen=True)
class DeploymentRow:
    assignment_id: int
    stage: str
    post_code: str
    post_name: str
    tps: str
    force: str
    nrp: str
    name: str
    rank: str
    unit: str
    travel_km: float


@dataclass(frozen=True)
class Section:
    """One Polsek's part of the list: its district, its name and its rows."""

    district: Region
    polsek: str
    rows: list[DeploymentRow]


def districts_of(region: Region) -> list[Region]:
    """The districts a list covers: the district itself, or each district of a regency."""
    if region.level == Region.Level.KECAMATAN:
        return [region]
    return list(Region.objects.filter(parent=region, level=Region.Level.KECAMATAN).order_by("code"))


def section(plan: Plan, district: Region) -> Section:
    return Section(district, polsek_name(district), deployment_list(plan, district))


def document_name(plan: Plan, region: Region) -> str:
    """The name of a region's list made in the background (kawal/paper.py): it changes with
    each plan version and each re-plan, so a list made before them is never served after."""
    return f"ploting-{region.code}-v{plan.version}-r{plan.changes.count()}"


def polsek_name(district: Region) -> str:
    sector = district.sectors.filter(kind="polsek").order_by("code").first()
    return sector.name if sector else f"Polsek {district.name}"


def deployment_list(plan: Plan, district: Region) -> list[DeploymentRow]:
    """Every assignment at the district's posts, in stage, post and force order."""
    if district.level != Region.Level.KECAMATAN:
        raise ValueError(f"region {district.code}: the deployment list is per Polsek (district)")
    tps_of: dict[int, list[str]] = defaultdict(list)
    for post_id, code in (
        PostTPS.objects.filter(post__plan=plan, post__district=district)
        .order_by("tps__code")
        .values_list("post_id", "tps__code")
    ):
        tps_of[post_id].append(code[-3:])
    rows = Assignment.objects.filter(plan=plan, post__district=district).values_list(
        "id", "stage", "post_id", "post__code", "post__name", "force", "member__nrp",
        "member__name", "member__rank", "member__unit__name", "travel_km",
    )
    result = [
        DeploymentRow(pk, stage, code, name, ", ".join(tps_of.get(post_id, [])), force, nrp,
                      person, rank, unit, km_)
        for pk, stage, post_id, code, name, force, nrp, person, rank, unit, km_ in rows
    ]
    result.sort(
        key=lambda r: (
            Stage.Kind.values.index(r.stage), r.post_code, Force.values.index(r.force), r.name
        )
    )
    return result
