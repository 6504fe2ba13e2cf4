"""A small world to script: one district with three villages and eight TPS, and its plan's teams."""

import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kawal.operations.models import default_leg_hours
from kawal.simulation import world as w
from kawal.simulation.world import Place, Team, World

WIB = ZoneInfo("Asia/Jakarta")
DISTRICT = "35.10.01"
VILLAGES = {
    "35.10.01.2001": (-8.52, 114.36),
    "35.10.01.2002": (-8.55, 114.33),
    "35.10.01.2003": (-8.49, 114.31),
}
TPS = {
    "35.10.01.2001-001": (-8.521, 114.361),
    "35.10.01.2001-002": (-8.523, 114.358),
    "35.10.01.2001-003": (-8.518, 114.366),
    "35.10.01.2002-001": (-8.551, 114.331),
    "35.10.01.2002-002": (-8.548, 114.335),
    "35.10.01.2003-001": (-8.491, 114.312),
    "35.10.01.2003-002": (-8.488, 114.309),
    "35.10.01.2003-003": (-8.493, 114.306),
}
def _team(post: str, region: str, at: tuple[float, float], *members: tuple[str, str]) -> Team:
    """A team of the plan; its leader's assignment id is made from the post's code."""
    return Team(post, region, members, *at, assignment=zlib.crc32(post.encode()))


def small_world() -> World:
    district = (-8.50, 114.38)
    kpu = Place("35.10", -8.30, 114.30)
    teams = [
        _team("35.10.01-KAWAL-KPU-PPK", DISTRICT, (kpu.lat, kpu.lng),
              ("60000001", "polri"), ("60000002", "polri"), ("30000001", "tni")),
        _team("35.10.01-P001", DISTRICT, TPS["35.10.01.2001-001"],
              ("60000011", "polri"), ("90000011", "linmas"), ("90000012", "linmas")),
        _team("35.10.01-P002", DISTRICT, TPS["35.10.01.2002-001"], ("60000012", "polri")),
        _team("35.10.01-GUDANG-PPK-recap_ppk-2", DISTRICT, district,
              ("60000021", "polri"), ("30000021", "tni")),
        _team("35.10.01-KAWAL-PPK-KPU", DISTRICT, district,
              ("60000031", "polri"), ("60000032", "polri"), ("30000031", "tni")),
    ]  # fmt: skip
    duties = {
        (w.KPU_PPK, DISTRICT): "35.10.01-KAWAL-KPU-PPK",
        (w.RECAP, DISTRICT): "35.10.01-GUDANG-PPK-recap_ppk-2",
        (w.PPK_KPU, DISTRICT): "35.10.01-KAWAL-PPK-KPU",
    }
    for n, village in enumerate(VILLAGES, start=1):
        out, back = f"{village}-KAWAL-PPK-PPS", f"{village}-KAWAL-PPS-PPK"
        teams.append(_team(out, DISTRICT, district, (f"6000010{n}", "polri")))
        teams.append(_team(back, DISTRICT, VILLAGES[village], (f"6000020{n}", "polri")))
        duties[(w.PPK_PPS, village)], duties[(w.PPS_PPK, village)] = out, back
    for tps in TPS:
        first_village = tps[:13] == "35.10.01.2001"
        duties[(w.TPS_POST, tps)] = "35.10.01-P001" if first_village else "35.10.01-P002"
    voting = datetime(2024, 11, 27, tzinfo=WIB)
    return World(
        operation="latihan",
        region=DISTRICT,
        kpu=kpu,
        districts={DISTRICT: Place(DISTRICT, *district)},
        villages={code: Place(code, *at) for code, at in VILLAGES.items()},
        tps={code: Place(code, *at) for code, at in TPS.items()},
        boxes=tuple(f"{tps}-{contest}" for tps in TPS for contest in ("BUP", "GUB")),
        teams={t.post: t for t in teams},
        duties=duties,
        stages={"voting": (voting, datetime(2024, 11, 28, tzinfo=WIB))},
        legs={village: default_leg_hours() for village in VILLAGES},
    )


@pytest.fixture
def world() -> World:
    return small_world()
