"""Custody fixtures: a box in the officer's district, real escorts, and a box's whole valid
journey."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from kawal.custody import append_only
from kawal.custody.models import Box
from kawal.personnel.models import Force
from tests.factories import HOME, Small

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2024, 11, 23, 8, 0, tzinfo=WIB)


@dataclass(frozen=True)
class Route:
    box: str
    tps: str
    village: str
    district: str
    regency: str
    tps_point: tuple[float, float]
    village_point: tuple[float, float]
    polri: str
    tni: str


def route_of(box: Box, polri: str, tni: str) -> Route:
    village = box.tps.village
    return Route(
        box=box.code,
        tps=box.tps.code,
        village=village.code,
        district=village.parent_id,
        regency=village.parent_id[:5],
        tps_point=(box.tps.lat, box.tps.lng),
        village_point=(village.lat, village.lng),
        polri=polri,
        tni=tni,
    )


def home_route(small: Small, n: int = 0) -> Route:
    """The n-th box of the small operation in Barat, where the officer serves, with a Polri
    and a TNI escort of its district."""
    return route_of(
        small.boxes_in(HOME)[n],
        small.members(Force.POLRI, HOME)[0].nrp,
        small.members(Force.TNI, HOME)[0].nrp,
    )


@pytest.fixture
def route(small: Small) -> Route:
    return home_route(small)


def event(route: Route, kind: str, at: datetime, place: str, **fields) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "box": route.box,
        "kind": kind,
        "occurred_at": at.isoformat(),
        "place": place,
        "escorts": [],
        "seals": [],
    }
    body.update(fields)
    return body


def journey(route: Route, seals=("KPU-0001", "KPU-0002")) -> list[dict]:
    """A box's whole custody, KPU warehouse to TPS and back to KPU, every leg escorted, and
    every departure and arrival with a GPS fix (near the village for the district's and the
    regency's places, which no distance is held to)."""
    escort = {"escorts": [route.polri, route.tni]}
    tps = {"lat": route.tps_point[0], "lng": route.tps_point[1]}
    pps = {"lat": route.village_point[0], "lng": route.village_point[1]}
    steps = [
        ("departed", route.regency, {**escort, **pps}),
        ("arrived", route.district, pps),
        ("departed", route.district, {**escort, **pps}),
        ("arrived", route.village, pps),
        (
            "handed_over",
            route.village,
            {"from_party": "PPK", "to_party": "PPS", "document": "BA-1"},
        ),
        ("departed", route.village, {**escort, **pps}),
        ("arrived", route.tps, tps),
        ("opened", route.tps, tps),
        ("sealed", route.tps, {**tps, "seals": list(seals)}),
        ("departed", route.tps, {**escort, **tps}),
        ("arrived", route.village, {**pps, "seals": list(seals)}),
        ("departed", route.village, {**escort, **pps}),
        ("arrived", route.district, {**pps, "seals": list(seals)}),
        ("departed", route.district, {**escort, **pps}),
        ("arrived", route.regency, {**pps, "seals": list(seals)}),
    ]
    return [
        event(route, kind, START + timedelta(hours=2 * i), place, **extra)
        for i, (kind, place, extra) in enumerate(steps)
    ]


def tamper(route: Route, seq: int | None, change: str, *params) -> None:
    """Change the box's stored event at `seq` (every event if None) in raw SQL, behind the
    ORM's back, as someone with the database owner's rights: first drop the append-only
    triggers (the test's rollback puts them back). `change` is e.g.
    "DELETE FROM custody_custodyevent" or "UPDATE custody_custodyevent SET note = 'x'"."""
    append_only.drop()
    where = " WHERE box_id = (SELECT id FROM custody_box WHERE code = %s)"
    with connection.cursor() as cursor:
        if seq is None:
            cursor.execute(change + where, [*params, route.box])
        else:
            cursor.execute(change + where + " AND seq = %s", [*params, route.box, seq])
