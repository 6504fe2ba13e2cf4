"""The Banyuwangi demo operation: seeded, deterministic, and true to the published figures.

Published figures (DOMAIN.md): 2,732 TPS, 1,348,925 voters, no TPS over 600 voters,
2,727 kurang rawan and 5 rawan TPS (the most remote), two boxes per TPS, 850 Polresta
members, 316 Kodim 0825, 100 Lanal, 30 Brimob, and 2 Linmas per TPS from its own village.

No source gives TPS per village, so the generator spreads them by a documented proxy:
every village gets at least MIN_TPS_PER_VILLAGE, and the rest go by largest remainder in
proportion to sqrt(area in km²), weighted KELURAHAN_WEIGHT times for urban kelurahan.
Area stands in for population in rural desa; the square root keeps the large forest
villages of Alas Purwo and Ijen from taking hundreds of TPS.

`build()` is pure: the same seed gives the same DemoData. `write()` stores it.
"""

import csv
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from shapely.geometry import Point, shape
from shapely.prepared import prep

from kawal.custody.models import box_code
from kawal.demo import names
from kawal.territory.distance import km

DATA_DIR = Path(__file__).parent / "data" / "banyuwangi"
REGENCY = "35.10"
SEED = 2024

TPS_TOTAL = 2_732
VOTERS_TOTAL = 1_348_925
MAX_VOTERS = 600
MIN_VOTERS = 250
RAWAN_TPS = 5
CONTESTS = ("BUP", "GUB")
MIN_TPS_PER_VILLAGE = 3
KELURAHAN_WEIGHT = 3.0
LINMAS_PER_TPS = 2

POLRESTA_TOTAL = 850
POLSEK_TOTAL = 520  # shared over the 26 Polsek by TPS count; the rest serve at HQ
POLSEK_MIN = 12
KODIM_TOTAL = 316
KORAMIL_EACH = 10  # the rest serve at Kodim HQ
LANAL_TOTAL = 100
BRIMOB_TOTAL = 30

# Tanjungwangi port lies in Kalipuro; the KPU warehouse is at Kabat.
PORT_DISTRICT = "35.10.21"
KPU_WAREHOUSE_DISTRICT = "35.10.14"
HQ_DISTRICT = "35.10.16"


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    kind: str
    lat: float
    lng: float


@dataclass(frozen=True)
class TPSRow:
    code: str
    village: str
    number: int
    voters: int
    address: str
    lat: float
    lng: float
    risk: str


@dataclass(frozen=True)
class SectorRow:
    code: str
    name: str
    kind: str
    district: str


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    force: str
    kind: str
    region: str
    sector: str | None


@dataclass(frozen=True)
class MemberRow:
    nrp: str
    name: str
    rank: str
    force: str
    unit: str
    home_sector: str | None
    region: str
    phone: str


@dataclass
class DemoData:
    tps: list[TPSRow] = field(default_factory=list)
    sectors: list[SectorRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)

    @property
    def box_codes(self) -> list[tuple[str, str, str]]:
        return [(box_code(t.code, c), t.code, c) for t in self.tps for c in CONTESTS]


def read_regions(folder: Path = DATA_DIR) -> list[RegionRow]:
    with (folder / "regions.csv").open(newline="") as f:
        return [
            RegionRow(r["code"], r["name"], r["level"], r["kind"], float(r["lat"]), float(r["lng"]))
            for r in csv.DictReader(f)
        ]


def _village_shapes(folder: Path) -> dict[str, object]:
    features = json.loads((folder / "desa.geojson").read_text())["features"]
    return {f["properties"]["code"]: shape(f["geometry"]) for f in features}


def _area_km2(geom) -> float:
    lat = geom.centroid.y
    return geom.area * 111.32 * 111.32 * math.cos(math.radians(lat))


def allocate_tps(villages: list[RegionRow], shapes: dict) -> dict[str, int]:
    """TPS per village by the proxy in the module docstring; sums to TPS_TOTAL exactly."""
    weights = {
        v.code: math.sqrt(_area_km2(shapes[v.code]))
        * (KELURAHAN_WEIGHT if v.kind == "kelurahan" else 1.0)
        for v in villages
    }
    spare = TPS_TOTAL - MIN_TPS_PER_VILLAGE * len(villages)
    total_weight = sum(weights.values())
    quotas = {c: spare * w / total_weight for c, w in weights.items()}
    counts = {c: MIN_TPS_PER_VILLAGE + int(q) for c, q in quotas.items()}
    left = TPS_TOTAL - sum(counts.values())
    for code in sorted(quotas, key=lambda c: (-(quotas[c] - int(quotas[c])), c))[:left]:
        counts[code] += 1
    return counts


def spread_voters(rng: random.Random, n: int) -> list[int]:
    """n TPS sizes within [MIN_VOTERS, MAX_VOTERS] summing to VOTERS_TOTAL exactly."""
    sizes = [rng.randint(420, MAX_VOTERS) for _ in range(n)]
    gap = VOTERS_TOTAL - sum(sizes)
    step = 1 if gap > 0 else -1
    order = list(range(n))
    while gap:
        rng.shuffle(order)
        for i in order:
            if gap == 0:
                break
            if MIN_VOTERS <= sizes[i] + step <= MAX_VOTERS:
                sizes[i] += step
                gap -= step
    return sizes


def _point_in(rng: random.Random, geom) -> tuple[float, float]:
    prepared = prep(geom)
    minx, miny, maxx, maxy = geom.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(Point(x, y)):
            return round(y, 6), round(x, 6)


def _person(rng: random.Random) -> str:
    given = rng.choice(names.FEMALE_GIVEN if rng.random() < 0.12 else names.MALE_GIVEN)
    return f"{given} {rng.choice(names.SURNAMES)}"


def _rank(rng: random.Random, table) -> str:
    ranks, weights = zip(*table, strict=True)
    return rng.choices(ranks, weights=weights)[0]


def _phone(rng: random.Random) -> str:
    return "08" + rng.choice("1235789") + "".join(rng.choice("0123456789") for _ in range(9))


def _split(total: int, weights: dict[str, float], minimum: int) -> dict[str, int]:
    """Split total by weight, each at least minimum, by largest remainder."""
    spare = total - minimum * len(weights)
    whole = sum(weights.values())
    quotas = {k: spare * w / whole for k, w in weights.items()}
    counts = {k: minimum + int(q) for k, q in quotas.items()}
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - int(quotas[k])), k))[
        : total - sum(counts.values())
    ]:
        counts[k] += 1
    return counts


def build(seed: int = SEED, folder: Path = DATA_DIR) -> DemoData:
    rng = random.Random(seed)
    regions = read_regions(folder)
    by_code = {r.code: r for r in regions}
    districts = [r for r in regions if r.level == "kecamatan"]
    villages = [r for r in regions if r.level == "desa"]
    shapes = _village_shapes(folder)
    data = DemoData()

    per_village = allocate_tps(villages, shapes)
    voters = spread_voters(rng, TPS_TOTAL)
    for village in villages:
        for number in range(1, per_village[village.code] + 1):
            lat, lng = _point_in(rng, shapes[village.code])
            dusun = rng.choice(names.DUSUN)
            address = (
                f"Dusun {dusun} RT {rng.randint(1, 6):03d}/RW {rng.randint(1, 4):03d}, "
                f"{village.kind.capitalize()} {village.name}"
            )
            data.tps.append(
                TPSRow(
                    code=f"{village.code}-{number:03d}",
                    village=village.code,
                    number=number,
                    voters=voters[len(data.tps)],
                    address=address,
                    lat=lat,
                    lng=lng,
                    risk="kurang_rawan",
                )
            )
    warehouse = by_code[KPU_WAREHOUSE_DISTRICT]
    remote = sorted(data.tps, key=lambda t: -km(t.lat, t.lng, warehouse.lat, warehouse.lng))
    rawan = {t.code for t in remote[:RAWAN_TPS]}
    data.tps = [TPSRow(**{**vars(t), "risk": "rawan"}) if t.code in rawan else t for t in data.tps]

    for d in districts:
        slug = slugify(d.name)
        data.sectors.append(SectorRow(f"polsek-{slug}", f"Polsek {d.name}", "polsek", d.code))
        data.sectors.append(SectorRow(f"koramil-{slug}", f"Koramil {d.name}", "koramil", d.code))
    data.sectors.append(
        SectorRow("polsek-kpt-tanjungwangi", "Polsek KPT Tanjungwangi", "polsek", PORT_DISTRICT)
    )

    data.units += [
        UnitRow("polresta-banyuwangi", "Polresta Banyuwangi", "polri", "polres_hq", REGENCY, None),
        UnitRow("brimob-sst", "Brimob Polda Jatim (1 SST)", "polri", "brimob", REGENCY, None),
        UnitRow("kodim-0825", "Kodim 0825/Banyuwangi", "tni", "kodim", REGENCY, None),
        UnitRow("lanal-banyuwangi", "Lanal Banyuwangi", "tni", "lanal", REGENCY, None),
    ]
    for s in data.sectors:
        force = "polri" if s.kind == "polsek" else "tni"
        data.units.append(UnitRow(s.code, s.name, force, s.kind, s.district, s.code))
    for v in villages:
        label = "Kelurahan" if v.kind == "kelurahan" else "Desa"
        data.units.append(
            UnitRow(
                f"linmas-{v.code}", f"Satlinmas {label} {v.name}", "linmas", "linmas", v.code, None
            )
        )

    tps_per_district: dict[str, int] = {}
    for t in data.tps:
        tps_per_district[t.code[:8]] = tps_per_district.get(t.code[:8], 0) + 1
    polsek_weights = {
        s.code: float(tps_per_district[s.district]) if s.code != "polsek-kpt-tanjungwangi" else 40.0
        for s in data.sectors
        if s.kind == "polsek"
    }
    polsek_sizes = _split(POLSEK_TOTAL, polsek_weights, POLSEK_MIN)
    sectors = {s.code: s for s in data.sectors}
    used_nrp: set[str] = set()

    def nrp(prefix: str, digits: int) -> str:
        while True:
            candidate = prefix + "".join(rng.choice("0123456789") for _ in range(digits))
            if candidate not in used_nrp:
                used_nrp.add(candidate)
                return candidate

    def police_nrp() -> str:
        return nrp(f"{rng.randint(75, 99):02d}{rng.randint(1, 12):02d}", 4)

    def add(n: int, unit: str, force: str, ranks, sector: str | None, region: str, make_nrp):
        for _ in range(n):
            data.members.append(
                MemberRow(
                    make_nrp(),
                    _person(rng),
                    _rank(rng, ranks),
                    force,
                    unit,
                    sector,
                    region,
                    _phone(rng),
                )
            )

    add(
        POLRESTA_TOTAL - POLSEK_TOTAL,
        "polresta-banyuwangi",
        "polri",
        names.POLRI_RANKS,
        None,
        REGENCY,
        police_nrp,
    )
    for code, size in polsek_sizes.items():
        add(size, code, "polri", names.POLRI_RANKS, code, sectors[code].district, police_nrp)
    add(BRIMOB_TOTAL, "brimob-sst", "polri", names.POLRI_RANKS, None, REGENCY, police_nrp)

    def army_nrp() -> str:
        return nrp("3" + f"{rng.randint(10, 24):02d}", 5)

    add(
        KODIM_TOTAL - KORAMIL_EACH * len(districts),
        "kodim-0825",
        "tni",
        names.ARMY_RANKS,
        None,
        REGENCY,
        army_nrp,
    )
    for s in data.sectors:
        if s.kind == "koramil":
            add(KORAMIL_EACH, s.code, "tni", names.ARMY_RANKS, s.code, s.district, army_nrp)
    add(
        LANAL_TOTAL,
        "lanal-banyuwangi",
        "tni",
        names.NAVY_RANKS,
        None,
        REGENCY,
        lambda: nrp("1", 5) + "/P",
    )

    def linmas_nip() -> str:
        return nrp("3510", 12)

    for t in data.tps:
        district_polsek = f"polsek-{slugify(by_code[t.code[:8]].name)}"
        add(
            LINMAS_PER_TPS,
            f"linmas-{t.village}",
            "linmas",
            (("Anggota Linmas", 1),),
            district_polsek,
            t.village,
            linmas_nip,
        )
    return data


@transaction.atomic
def write(data: DemoData) -> None:
    """Store the demo data (regions must be loaded). One transaction: all or nothing."""
    from kawal.custody.models import Box
    from kawal.personnel.models import Member, Unit
    from kawal.territory.models import TPS, Sector

    TPS.objects.bulk_create(
        TPS(
            code=t.code,
            village_id=t.village,
            number=t.number,
            voters=t.voters,
            address=t.address,
            lat=t.lat,
            lng=t.lng,
            risk=t.risk,
        )
        for t in data.tps
    )
    tps_ids = dict(TPS.objects.values_list("code", "id"))
    Box.objects.bulk_create(
        Box(code=code, tps_id=tps_ids[tps], contest=contest)
        for code, tps, contest in data.box_codes
    )
    Sector.objects.bulk_create(
        Sector(code=s.code, name=s.name, kind=s.kind, district_id=s.district) for s in data.sectors
    )
    sector_ids = dict(Sector.objects.values_list("code", "id"))
    Unit.objects.bulk_create(
        Unit(
            code=u.code,
            name=u.name,
            force=u.force,
            kind=u.kind,
            region_id=u.region,
            sector_id=sector_ids[u.sector] if u.sector else None,
        )
        for u in data.units
    )
    unit_ids = dict(Unit.objects.values_list("code", "id"))
    Member.objects.bulk_create(
        (
            Member(
                nrp=m.nrp,
                name=m.name,
                rank=m.rank,
                force=m.force,
                unit_id=unit_ids[m.unit],
                home_sector_id=sector_ids[m.home_sector] if m.home_sector else None,
                region_id=m.region,
                phone=m.phone,
            )
            for m in data.members
        ),
        batch_size=1000,
    )
