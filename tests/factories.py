"""A small operation for tests of rules, payloads and services: built in milliseconds.

One regency (35.09, Kabupaten Contoh) of two districts, Barat (where the sector and field
users serve) and Timur, each of two villages with three TPS, and two boxes per TPS. The
operation over the regency has the demo's stages and contests and default custody rules.
Each district has a Polsek and a Koramil, the regency an HQ and a Kodim, and every TPS two
Linmas from its own village. Users hold one role each.

Its codes, NRPs and usernames are its own, so it lives beside the Banyuwangi demo when a
test in the same session has loaded that (tests/conftest.py). Tests that need the demo's
figures use the `demo` fixture instead.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from kawal.accounts.models import Role, RoleGrant
from kawal.custody.models import Box, box_code
from kawal.demo.operation import CONTESTS, STAGES
from kawal.operations.models import Contest, CustodyRules, Operation, Stage
from kawal.personnel.models import Force, Member, Unit
from kawal.territory.models import TPS, Region, Sector

WIB = ZoneInfo("Asia/Jakarta")
REGENCY = "35.09"
HOME = "35.09.01"  # Barat: where polsek-barat and the officer serve
OTHER = "35.09.02"  # Timur
DISTRICTS = ((HOME, "Barat", 113.60), (OTHER, "Timur", 113.70))  # (code, name, west edge)
TPS_PER_VILLAGE = 3
LINMAS_PER_TPS = 2
POLSEK_MEMBERS = 6
KORAMIL_MEMBERS = 2
HQ_MEMBERS = 36  # enough for every stage's posts, with some to spare
KODIM_MEMBERS = 18
# Usernames, one role each: command, observer and admin over the regency; sector over one
# district each; field over Barat.
COMMANDER, OBSERVER, ADMIN = "commander", "observer", "administrator"
HOME_SECTOR, OTHER_SECTOR, OFFICER = "polsek-barat", "polsek-timur", "officer"
SOUTH, NORTH = -8.05, -7.95


@dataclass
class Small:
    operation: Operation
    regency: Region
    districts: list[Region]  # Barat, Timur
    villages: list[Region]  # Barat's two, then Timur's two
    tps: list[TPS]
    boxes: list[Box]  # both contests of each TPS, in code order

    def boxes_in(self, code: str) -> list[Box]:
        return [b for b in self.boxes if b.code.startswith(code + ".")]

    def members(self, force: str, region: str) -> list[Member]:
        return list(Member.objects.filter(force=force, region_id=region).order_by("nrp"))


def _square(west: float, east: float) -> dict:
    ring = [[west, SOUTH], [east, SOUTH], [east, NORTH], [west, NORTH], [west, SOUTH]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def _region(code: str, name: str, level: str, parent: str | None, west: float, east: float):
    return Region(
        code=code, name=name, level=level, parent_id=parent, lat=(SOUTH + NORTH) / 2,
        lng=(west + east) / 2, boundary=_square(west, east),
        kind=Region.Kind.DESA if level == Region.Level.DESA else "",
    )  # fmt: skip


def _territory() -> tuple[Region, list[Region], list[Region], list[TPS]]:
    regency = _region(REGENCY, "Kabupaten Contoh", Region.Level.KABUPATEN, None, 113.60, 113.80)
    # Its centroid lies in Timur, so the planner puts the HQ and the KPU warehouse there, and
    # Barat's posts are Polsek Barat's to fill first.
    regency.lng = 113.74
    districts, villages = [], []
    for code, name, west in DISTRICTS:
        districts.append(_region(code, name, Region.Level.KECAMATAN, REGENCY, west, west + 0.1))
        for i, label in enumerate(("Satu", "Dua")):
            edge = west + 0.05 * i
            village = f"{code}.200{i + 1}"
            villages.append(
                _region(village, f"{name} {label}", Region.Level.DESA, code, edge, edge + 0.05)
            )
    Region.objects.bulk_create([regency, *districts, *villages])
    tps = TPS.objects.bulk_create(
        TPS(
            code=f"{v.code}-{n:03d}", village=v, number=n, voters=300, address=f"Dusun {n}",
            lat=v.lat + 0.002 * n, lng=v.lng, risk=TPS.Risk.KURANG_RAWAN,
        )
        for v in villages
        for n in range(1, TPS_PER_VILLAGE + 1)
    )  # fmt: skip
    return regency, districts, villages, tps


def _operation(regency: Region) -> Operation:
    operation = Operation.objects.create(
        code="operasi-contoh-2024", name="Operasi Contoh 2024", region=regency,
        starts_at=datetime(2024, 8, 19, tzinfo=WIB), ends_at=datetime(2024, 12, 31, tzinfo=WIB),
    )  # fmt: skip
    Stage.objects.bulk_create(
        Stage(operation=operation, kind=kind, order=i, starts_at=start, ends_at=end, note=note)
        for i, (kind, start, end, note) in enumerate(STAGES, start=1)
    )
    Contest.objects.bulk_create(
        Contest(operation=operation, code=code, name=name) for code, name in CONTESTS
    )
    CustodyRules.objects.create(operation=operation)
    return operation


def _personnel(districts: list[Region], villages: list[Region], tps: list[TPS]) -> None:
    sectors = Sector.objects.bulk_create(
        Sector(code=f"{kind}-{d.name.lower()}", name=f"{label} {d.name}", kind=kind, district=d)
        for d in districts
        for kind, label in (("polsek", "Polsek"), ("koramil", "Koramil"))
    )
    units = Unit.objects.bulk_create(
        [
            Unit(code="polres-contoh", name="Polres Contoh", force=Force.POLRI,
                 kind=Unit.Kind.POLRES_HQ, region_id=REGENCY),
            Unit(code="kodim-contoh", name="Kodim Contoh", force=Force.TNI,
                 kind=Unit.Kind.KODIM, region_id=REGENCY),
            *(
                Unit(code=s.code, name=s.name, kind=s.kind, region=s.district, sector=s,
                     force=Force.POLRI if s.kind == "polsek" else Force.TNI)
                for s in sectors
            ),
            *(
                Unit(code=f"linmas-{v.code}", name=f"Satlinmas {v.name}", force=Force.LINMAS,
                     kind=Unit.Kind.LINMAS, region=v)
                for v in villages
            ),
        ]
    )  # fmt: skip
    by_code = {u.code: u for u in units}
    members: list[Member] = []

    def add(n: int, unit: Unit, prefix: str, rank: str, region: str, sector=None) -> None:
        for _ in range(n):
            n = len(members) + 1
            members.append(
                Member(nrp=f"{prefix}{n:04d}", name=f"Anggota Contoh {n}", rank=rank,
                       force=unit.force, unit=unit, home_sector=sector, region_id=region)
            )  # fmt: skip

    add(HQ_MEMBERS, by_code["polres-contoh"], "6001", "Bripka", REGENCY)
    add(KODIM_MEMBERS, by_code["kodim-contoh"], "2001", "Serka", REGENCY)
    for s in sectors:
        if s.kind == "polsek":
            add(POLSEK_MEMBERS, by_code[s.code], "6002", "Brigpol", s.district_id, s)
        else:
            add(KORAMIL_MEMBERS, by_code[s.code], "2002", "Sertu", s.district_id, s)
    for t in tps:
        polsek = next(s for s in sectors if s.kind == "polsek" and s.district_id == t.code[:8])
        add(LINMAS_PER_TPS, by_code[f"linmas-{t.code[:13]}"], "3509", "Anggota Linmas",
            t.code[:13], polsek)  # fmt: skip
    Member.objects.bulk_create(members)


def _users() -> None:
    grants = (
        (COMMANDER, Role.COMMAND, REGENCY),
        (OBSERVER, Role.OBSERVER, REGENCY),
        (ADMIN, Role.ADMIN, REGENCY),
        (HOME_SECTOR, Role.SECTOR, HOME),
        (OTHER_SECTOR, Role.SECTOR, OTHER),
        (OFFICER, Role.FIELD, HOME),
    )
    # No password: tests sign in with force_login, and hashing one costs more than the rest.
    users = get_user_model().objects.bulk_create(
        User(username=name, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        for name, role, _ in grants
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=u, role=role, region_id=region)
        for u, (_, role, region) in zip(users, grants, strict=True)
    )


def small_operation() -> Small:
    """Create the small operation (inside the calling test's transaction)."""
    regency, districts, villages, tps = _territory()
    operation = _operation(regency)
    boxes = Box.objects.bulk_create(
        Box(code=box_code(t.code, contest), tps=t, contest=contest)
        for t in tps
        for contest, _ in CONTESTS
    )
    _personnel(districts, villages, tps)
    _users()
    return Small(operation, regency, districts, villages, tps, sorted(boxes, key=lambda b: b.code))
