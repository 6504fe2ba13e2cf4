"""Posts: TPS grouped by guarding pattern and geography, and the posts each stage needs.

Pure: plain data in, post specifications out. The service reads the database and stores
what this module returns.

TPS posts: within one district and one risk category, a village's TPS are taken in a
spatial order (recursive median bisection) and cut into posts of the pattern's size.
A village's leftover that fills at least FULL_ENOUGH of a post stands alone; smaller
leftovers are packed with the nearest leftovers of other villages of the same district,
never splitting a village's leftover and never crossing a district boundary.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kawal.territory.distance import km

FULL_ENOUGH = 0.8
POOL_KM = 6.0  # leftovers farther apart than this get posts of their own

TPS_POST, ESCORT, WAREHOUSE, PATROL, RESERVE = "tps", "escort", "warehouse", "patrol", "reserve"
CATEGORY_ORDER = ("khusus", "sangat_rawan", "rawan", "kurang_rawan")


@dataclass(frozen=True)
class Pattern:
    """Polri–TPS–Linmas, e.g. 1-5-10; `tni` soldiers join each post (0: TNI does not join)."""

    polri: int
    tps: int
    linmas: int
    tni: int = 0

    @classmethod
    def parse(cls, text: str, tni: int = 0) -> "Pattern":
        parts = text.strip().replace("–", "-").split("-")
        if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"pattern {text!r} must read Polri-TPS-Linmas, e.g. 1-5-10")
        polri, tps, linmas = (int(p) for p in parts)
        if tps < 1:
            raise ValueError(f"pattern {text!r}: a post guards at least 1 TPS")
        if polri < 1:
            raise ValueError(f"pattern {text!r}: a post needs at least 1 Polri officer")
        if tni < 0:
            raise ValueError("tni must not be negative")
        return cls(polri, tps, linmas, tni)

    def __str__(self) -> str:
        return f"{self.polri}-{self.tps}-{self.linmas}"

    def linmas_for(self, n_tps: int) -> int:
        return math.ceil(self.linmas * n_tps / self.tps)


# Banyuwangi: 1 officer per 4–5 TPS and 2 Linmas per TPS. The rest follow the
# Pilkada 2024 examples in DOMAIN.md (Polresta Sleman rawan 2-2-4; Polda Jateng
# sangat rawan and khusus 2-1-2), with a soldier at every post above kurang rawan.
DEFAULT_PATTERNS = {
    "kurang_rawan": Pattern(1, 5, 10, 0),
    "rawan": Pattern(2, 2, 4, 1),
    "sangat_rawan": Pattern(2, 1, 2, 1),
    "khusus": Pattern(2, 1, 2, 1),
}


@dataclass(frozen=True)
class Team:
    polri: int
    tni: int


# Team sizes beyond the TPS (inferred defaults; DOMAIN.md: police with Koramil escort PPK→KPU).
ESCORT_KPU_PPK = Team(2, 1)
ESCORT_PPK_PPS = Team(1, 0)  # the same team carries on PPS→TPS
ESCORT_PPS_PPK = Team(1, 0)
ESCORT_PPK_KPU = Team(2, 1)
WAREHOUSE_KPU = Team(4, 2)  # per 8-hour watch
WAREHOUSE_PPK = Team(1, 1)
PATROL_TEAM = Team(2, 1)
RESERVE_TEAM = Team(2, 2)
WATCHES = (("1", "00.00–08.00"), ("2", "08.00–16.00"), ("3", "16.00–24.00"))

DISTRIBUTION, VOTING, RETURN, RECAP_PPK, RECAP_KPU = (
    "distribution", "voting", "return", "recap_ppk", "recap_kpu",
)


@dataclass(frozen=True)
class TpsPoint:
    code: str  # 35.10.01.2001-001
    lat: float
    lng: float
    category: str

    @property
    def village(self) -> str:
        return self.code[:13]

    @property
    def district(self) -> str:
        return self.code[:8]


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lat: float
    lng: float


@dataclass(frozen=True)
class Leg:
    start: str
    end: str
    km: float


@dataclass
class PostSpec:
    code: str
    kind: str
    stage: str
    name: str
    district: str
    lat: float
    lng: float
    polri: int = 0
    tni: int = 0
    linmas: int = 0
    category: str = ""
    tps: tuple[str, ...] = ()
    linmas_by_village: dict[str, int] = field(default_factory=dict)
    route: tuple[Leg, ...] = ()


def spatial_order(points: list[TpsPoint]) -> list[TpsPoint]:
    """Points ordered so that neighbours in the list are neighbours on the ground."""
    if len(points) <= 2:
        return sorted(points, key=lambda p: p.code)
    lat_span = max(p.lat for p in points) - min(p.lat for p in points)
    lng_span = max(p.lng for p in points) - min(p.lng for p in points)
    axis = (lambda p: (p.lat, p.code)) if lat_span >= lng_span else (lambda p: (p.lng, p.code))
    ordered = sorted(points, key=axis)
    half = len(ordered) // 2
    return spatial_order(ordered[:half]) + spatial_order(ordered[half:])


def _centre(points: Iterable[TpsPoint]) -> tuple[float, float]:
    pts = list(points)
    return sum(p.lat for p in pts) / len(pts), sum(p.lng for p in pts) / len(pts)


def group_tps(points: list[TpsPoint], size: int) -> list[list[TpsPoint]]:
    """Groups of at most `size` TPS of one district: village first, then nearby villages."""
    if len({p.district for p in points}) > 1:
        raise ValueError("group_tps takes the TPS of one district")
    by_village: dict[str, list[TpsPoint]] = defaultdict(list)
    for p in points:
        by_village[p.village].append(p)
    groups: list[list[TpsPoint]] = []
    leftovers: list[list[TpsPoint]] = []
    for village in sorted(by_village):
        ordered = spatial_order(by_village[village])
        whole = len(ordered) - len(ordered) % size
        groups.extend(ordered[i : i + size] for i in range(0, whole, size))
        rest = ordered[whole:]
        if rest and len(rest) >= FULL_ENOUGH * size:
            groups.append(rest)
        elif rest:
            leftovers.append(rest)
    bins: list[list[TpsPoint]] = []
    for piece in sorted(leftovers, key=lambda piece: (-len(piece), piece[0].code)):
        lat, lng = _centre(piece)
        open_bins = [
            (km(lat, lng, *_centre(b)), i)
            for i, b in enumerate(bins)
            if len(b) + len(piece) <= size
        ]
        near = [(d, i) for d, i in open_bins if d <= POOL_KM]
        if near:
            bins[min(near)[1]].extend(piece)
        else:
            bins.append(list(piece))
    return groups + bins


def _numbers(codes: list[str]) -> str:
    """TPS numbers as runs: 001–003, 007."""
    numbers = sorted(int(c[-3:]) for c in codes)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(
        f"{r[0]:03d}–{r[-1]:03d}" if len(r) > 1 else f"{r[0]:03d}" for r in runs
    )


def tps_posts(
    points: list[TpsPoint], patterns: dict[str, Pattern], village_names: dict[str, str]
) -> list[PostSpec]:
    missing = {p.category for p in points} - patterns.keys()
    if missing:
        raise ValueError(f"no guarding pattern for category {', '.join(sorted(missing))}")
    by_key: dict[tuple[str, str], list[TpsPoint]] = defaultdict(list)
    for p in points:
        by_key[(p.district, p.category)].append(p)
    posts: list[PostSpec] = []
    counter: dict[str, int] = defaultdict(int)
    for (district, category) in sorted(by_key, key=lambda k: (k[0], CATEGORY_ORDER.index(k[1]))):
        pattern = patterns[category]
        for group in group_tps(by_key[(district, category)], pattern.tps):
            counter[district] += 1
            per_village: dict[str, list[str]] = defaultdict(list)
            for p in group:
                per_village[p.village].append(p.code)
            lat, lng = _centre(group)
            name = "; ".join(
                f"{village_names.get(v, v)} TPS {_numbers(codes)}"
                for v, codes in sorted(per_village.items())
            )
            linmas = {v: pattern.linmas_for(len(codes)) for v, codes in sorted(per_village.items())}
            posts.append(
                PostSpec(
                    code=f"{district}-P{counter[district]:03d}",
                    kind=TPS_POST,
                    stage=VOTING,
                    name=f"Pos {name}"[:160],
                    district=district,
                    lat=round(lat, 6),
                    lng=round(lng, 6),
                    polri=pattern.polri,
                    tni=pattern.tni,
                    linmas=sum(linmas.values()),
                    category=category,
                    tps=tuple(sorted(p.code for p in group)),
                    linmas_by_village=linmas,
                )
            )
    return posts


def _leg(a: Place, b: Place) -> Leg:
    return Leg(a.code, b.code, round(km(a.lat, a.lng, b.lat, b.lng), 2))


def _tour(start: Place, stops: list[Place]) -> tuple[Leg, ...]:
    """Nearest-neighbour tour from start through every stop: the order a team drives them."""
    legs, here, left = [], start, list(stops)
    while left:
        nxt = min(left, key=lambda s: (km(here.lat, here.lng, s.lat, s.lng), s.code))
        legs.append(_leg(here, nxt))
        left.remove(nxt)
        here = nxt
    return tuple(legs)


def _team(
    code: str, kind: str, stage: str, name: str, district: str, at: Place, team: Team,
    route: Iterable[Leg] = (),
) -> PostSpec:
    return PostSpec(
        code=code, kind=kind, stage=stage, name=name, district=district, lat=at.lat, lng=at.lng,
        polri=team.polri, tni=team.tni, route=tuple(route),
    )


def _warehouse_watches(
    stage: str, site: Place, label: str, team: Team, days: str = ""
) -> list[PostSpec]:
    """A site's three daily watches in a stage, named with their hours and the stage's days."""
    return [
        _team(
            f"{site.code}-GUDANG-{label}-{stage}-{watch}", WAREHOUSE, stage,
            f"Jaga gudang {label} {site.name} ({hours}{', ' + days if days else ''})",
            site.code, site, team,
        )
        for watch, hours in WATCHES
    ]


def _district_posts(
    d: Place,
    villages: list[Place],
    stages: set[str],
    warehouse: Place,
    tps_by_village: dict[str, list[Place]],
    stage_days: Mapping[str, str],
) -> list[PostSpec]:
    """One district's escort teams, PPK warehouse watches, patrol and reserve."""
    posts: list[PostSpec] = []
    if DISTRIBUTION in stages:
        posts.append(_team(
            f"{d.code}-KAWAL-KPU-PPK", ESCORT, DISTRIBUTION, f"Pengawalan KPU → PPK {d.name}",
            d.code, warehouse, ESCORT_KPU_PPK, [_leg(warehouse, d)],
        ))
        posts += _warehouse_watches(
            DISTRIBUTION, d, "PPK", WAREHOUSE_PPK, stage_days.get(DISTRIBUTION, "")
        )
        for v in villages:
            posts.append(_team(
                f"{v.code}-KAWAL-PPK-PPS", ESCORT, DISTRIBUTION,
                f"Pengawalan PPK → PPS → TPS {v.name}", d.code, d, ESCORT_PPK_PPS,
                [_leg(d, v), *_tour(v, tps_by_village[v.code])],
            ))
    if VOTING in stages:
        posts.append(_team(
            f"{d.code}-PATROLI", PATROL, VOTING, f"Patroli mobile {d.name}", d.code, d,
            PATROL_TEAM,
        ))
        posts.append(_team(
            f"{d.code}-CADANGAN", RESERVE, VOTING, f"Cadangan {d.name}", d.code, d,
            RESERVE_TEAM,
        ))
    if RETURN in stages:
        posts += _warehouse_watches(RETURN, d, "PPK", WAREHOUSE_PPK)
        for v in villages:
            posts.append(_team(
                f"{v.code}-KAWAL-PPS-PPK", ESCORT, RETURN, f"Pengawalan PPS {v.name} → PPK",
                d.code, v, ESCORT_PPS_PPK, [_leg(v, d)],
            ))
    if RECAP_PPK in stages:
        posts += _warehouse_watches(RECAP_PPK, d, "PPK", WAREHOUSE_PPK)
    if RECAP_KPU in stages:
        posts.append(_team(
            f"{d.code}-KAWAL-PPK-KPU", ESCORT, RECAP_KPU, f"Pengawalan PPK {d.name} → KPU",
            d.code, d, ESCORT_PPK_KPU, [_leg(d, warehouse)],
        ))
    return posts


def stage_posts(
    stages: Iterable[str],
    districts: list[Place],
    villages: list[Place],
    warehouse: Place,
    points: list[TpsPoint],
    stage_days: Mapping[str, str] | None = None,
) -> list[PostSpec]:
    """Escort teams, warehouse watches, patrols and reserves for the given stages; a watch's
    name carries its stage's days where `stage_days` gives them.

    `warehouse` is the KPU warehouse's district (Banyuwangi: Kabat); each district's
    centroid stands for its PPK and each village's for its PPS.
    """
    wanted = set(stages)
    stage_days = stage_days or {}
    tps_by_village: dict[str, list[Place]] = defaultdict(list)
    for p in points:
        tps_by_village[p.village].append(Place(p.code, p.code, p.lat, p.lng))
    villages_by_district: dict[str, list[Place]] = defaultdict(list)
    for v in villages:
        villages_by_district[v.code[:8]].append(v)
    posts: list[PostSpec] = []
    for stage in (DISTRIBUTION, VOTING, RETURN, RECAP_KPU):
        if stage in wanted:
            posts += _warehouse_watches(
                stage, warehouse, "KPU", WAREHOUSE_KPU, stage_days.get(stage, "")
            )
    for d in districts:
        posts += _district_posts(
            d, villages_by_district[d.code], wanted, warehouse, tps_by_village, stage_days
        )
    return posts
