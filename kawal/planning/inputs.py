"""What a plan is made from, read from the database as the pure planner's plain data.

The regions, TPS and members of the operation's region, its stages and its guarding patterns.
Where the regency's HQ and its KPU warehouse stand anchors members without a post nearby and
the warehouse watch.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kawal.operations.models import Operation, Stage
from kawal.personnel.models import Force, Member, Unit
from kawal.planning.models import Absence, GuardPattern
from kawal.planning.posts import DEFAULT_PATTERNS, Pattern, Place, TpsPoint
from kawal.planning.solver import Person
from kawal.territory.codes import within
from kawal.territory.distance import km
from kawal.territory.models import TPS, Region

# Where a regency's HQ (home of its BKO units) and its KPU warehouse stand. Elsewhere the
# district nearest the regency's centroid stands in for both.
HQ_DISTRICTS = {"35.10": "35.10.16"}  # Polresta Banyuwangi, Banyuwangi town
KPU_WAREHOUSES = {"35.10": "35.10.14"}  # KPU Banyuwangi's warehouse at Kabat


def patterns_of(operation: Operation) -> dict[str, Pattern]:
    """The operation's guarding patterns; Banyuwangi's defaults fill any category not set."""
    stored = {
        g.category: Pattern(g.polri, g.tps, g.linmas, g.tni)
        for g in GuardPattern.objects.filter(operation=operation)
    }
    return {**DEFAULT_PATTERNS, **stored}


@dataclass
class Inputs:
    points: list[TpsPoint]
    tps_ids: dict[str, int]
    districts: list[Place]
    villages: list[Place]
    warehouse: Place
    stages: list[str]
    patterns: dict[str, Pattern]
    people: list[Person]
    # Each stage's days in the operation's time zone, as a watch's name carries them: 23/11–26/11.
    stage_days: dict[str, str] = field(default_factory=dict)


def _anchor(region: Region, mapping: dict[str, str], districts: dict[str, Place]) -> Place:
    code = mapping.get(region.code)
    if code in districts:
        return districts[code]
    return min(districts.values(), key=lambda d: (km(region.lat, region.lng, d.lat, d.lng), d.code))


def _people(operation: Operation, places: dict[str, Place], hq: Place) -> list[Person]:
    """The members free for the operation, each placed at home: Linmas in their village,
    Polsek members at their sector, everyone else at their home area (else the HQ)."""
    absent = Absence.objects.filter(operation=operation).values("member_id")
    members = (
        Member.objects.filter(within("region__code", operation.region_id))
        .exclude(id__in=absent)
        .values_list("id", "force", "region_id", "unit__kind", "unit__region_id")
    )
    people = []
    for pk, force, home, unit_kind, unit_region in members:
        if force == Force.LINMAS:
            at = places.get(home, hq)
            people.append(Person(pk, force, at.lat, at.lng, village=home))
        elif unit_kind == Unit.Kind.POLSEK:
            at = places.get(unit_region, hq)
            people.append(Person(pk, force, at.lat, at.lng, local_district=unit_region))
        else:
            at = places.get(home, hq)
            people.append(Person(pk, force, at.lat, at.lng))
    return people


def read_inputs(operation: Operation) -> Inputs:
    """Everything the pure planner needs for the operation's whole region."""
    region = operation.region
    areas = Region.objects.filter(within("code", region.code)).exclude(code=region.code)
    districts, villages = {}, {}
    for code, name, level, lat, lng in areas.values_list("code", "name", "level", "lat", "lng"):
        if level == Region.Level.KECAMATAN:
            districts[code] = Place(code, name, lat, lng)
        elif level == Region.Level.DESA:
            villages[code] = Place(code, name, lat, lng)
    if not districts:
        raise ValueError(f"operation {operation.code}: region {region.code} has no districts")
    tps_rows = TPS.objects.filter(within("code", region.code)).values_list(
        "id", "code", "lat", "lng", "risk"
    )
    points, tps_ids = [], {}
    for pk, code, lat, lng, risk in tps_rows:
        points.append(TpsPoint(code, lat, lng, risk))
        tps_ids[code] = pk
    windows = sorted(
        operation.stages.values_list("kind", "starts_at", "ends_at"),
        key=lambda s: Stage.Kind.values.index(s[0]),
    )
    stages = [kind for kind, _, _ in windows]
    hq = _anchor(region, HQ_DISTRICTS, districts)
    return Inputs(
        points=points,
        tps_ids=tps_ids,
        districts=sorted(districts.values(), key=lambda d: d.code),
        villages=sorted(villages.values(), key=lambda v: v.code),
        warehouse=_anchor(region, KPU_WAREHOUSES, districts),
        stages=stages,
        patterns=patterns_of(operation),
        people=_people(operation, {**districts, **villages}, hq),
        stage_days={kind: days(start, end, operation.timezone) for kind, start, end in windows},
    )


def days(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """The days a window covers, as 23/11–26/11 (one day: 27/11). A window ending at
    midnight ends the day before."""
    first = starts_at.astimezone(ZoneInfo(zone)).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(ZoneInfo(zone)).date()
    return f"{first:%d/%m}" if last <= first else f"{first:%d/%m}–{last:%d/%m}"
