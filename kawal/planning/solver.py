"""Who fills which slot: a minimum-cost assignment solved with scipy.optimize.

Pure: plain people and slots in, placements out. Each (stage, force) pool is one
rectangular linear_sum_assignment, which fills as many slots as the smaller side allows
at the least total cost. The constraints are encoded in the cost, in strict priority:

1. a Polsek member placed outside their own district pays LOCAL_PENALTY, larger than any
   other term, so Polsek members serve their own district first;
2. slots a district can't fill from its own Polsek are its shortfall; when reinforcements
   (BKO: HQ, Brimob, Kodim, Koramil, Lanal) run short, slots where the shortfall is largest
   are filled first (SHORTFALL_WEIGHT per step of shortfall, larger than any travel);
3. travel: great-circle km from the member's home to the slot;
4. in a partial re-plan, a member keeps the post they hold (KEEP_BONUS) unless rule 1 or 2
   needs them elsewhere.

Linmas are solved per village, against their own village's slots only. One member holds
at most one slot per stage, because each stage's pool is one assignment.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from kawal.personnel.models import Force
from kawal.planning.posts import PostSpec
from kawal.territory.distance import km_matrix

SHORTFALL_WEIGHT = 1_000.0  # km; more than any trip within a province
# In a partial re-plan, staying put is worth more than any trip saved, but less than a
# step of shortfall: nobody already briefed for a post moves unless a shortfall needs it.
KEEP_BONUS = SHORTFALL_WEIGHT / 2
# The forces solved in one pool per stage. Linmas are left out on purpose: they serve only
# their own village, so their slots come from each post's linmas_by_village and are solved
# per village (see `assign`).
POOLED_FORCES = tuple(f for f in Force.values if f != Force.LINMAS)

_KIND_PRIORITY = {"tps": 0, "escort": 4, "warehouse": 5, "patrol": 6, "reserve": 7}
_CATEGORY_PRIORITY = {"khusus": 0, "sangat_rawan": 1, "rawan": 2, "kurang_rawan": 3}


@dataclass(frozen=True)
class Person:
    id: int
    force: str  # polri | tni | linmas
    lat: float
    lng: float
    local_district: str | None = None  # Polsek members: the district they serve first
    village: str | None = None  # Linmas: the only village they serve


@dataclass(frozen=True)
class Slot:
    post: str
    stage: str
    force: str
    district: str
    lat: float
    lng: float
    priority: int = 0
    village: str | None = None  # Linmas slots: whose village's Linmas fill it


@dataclass(frozen=True)
class Placement:
    slot: Slot
    person: int
    km: float


@dataclass
class Solution:
    placements: list[Placement]
    unfilled: list[Slot]

    @property
    def travel_km(self) -> float:
        return sum(p.km for p in self.placements)


def slots_for(posts: list[PostSpec]) -> list[Slot]:
    slots: list[Slot] = []
    for post in posts:
        priority = _KIND_PRIORITY[post.kind] + _CATEGORY_PRIORITY.get(post.category, 0)
        for force in POOLED_FORCES:
            slots.extend(
                Slot(post.code, post.stage, force, post.district, post.lat, post.lng, priority)
                for _ in range(getattr(post, force))
            )
        for village, n in post.linmas_by_village.items():
            slots.extend(
                Slot(post.code, post.stage, Force.LINMAS.value, post.district, post.lat, post.lng,
                     priority, village)
                for _ in range(n)
            )
    return slots


def _shortfall_terms(
    people: list[Person], slots: list[Slot], keep: frozenset[tuple[str, int]]
) -> np.ndarray:
    """Per slot: SHORTFALL_WEIGHT × how far it is from the largest shortfall (0 = fill first)."""
    local: dict[str, int] = defaultdict(int)
    for p in people:
        if p.local_district:
            local[p.local_district] += 1
    # In a partial re-plan, a post's held slots rank before its vacant ones, so that when
    # nobody is free the vacancy stays where it arose instead of moving someone else.
    present = {p.id for p in people}
    held = Counter(post for post, pid in keep if pid in present)
    vacant = np.ones(len(slots), dtype=bool)
    by_district: dict[str, list[int]] = defaultdict(list)
    for j, s in enumerate(slots):
        by_district[s.district].append(j)
        if held[s.post]:
            held[s.post] -= 1
            vacant[j] = False
    marginal = np.zeros(len(slots))
    for district, js in by_district.items():
        js.sort(key=lambda j: (slots[j].priority, vacant[j], slots[j].post, j))
        short = len(js) - local[district]
        for rank, j in enumerate(js):
            beyond = rank - local[district]
            # Slots the district fills itself rank above any shortfall; past that, the
            # first missing slot of a district short by s ranks as s, the next as s - 1, ...
            marginal[j] = np.inf if beyond < 0 else short - beyond
    finite = marginal[np.isfinite(marginal)]
    top = finite.max() if finite.size else 0.0
    return SHORTFALL_WEIGHT * np.where(np.isfinite(marginal), top + 1 - marginal, 0.0)


def cost_matrix(
    people: list[Person], slots: list[Slot], keep: frozenset[tuple[str, int]] = frozenset()
) -> tuple[np.ndarray, np.ndarray]:
    """(cost, travel km) for one pool: every person against every slot."""
    travel = km_matrix(
        [p.lat for p in people], [p.lng for p in people],
        [s.lat for s in slots], [s.lng for s in slots],
    )
    cost = travel + _shortfall_terms(people, slots, keep)[None, :]
    local_penalty = SHORTFALL_WEIGHT * (len(slots) + 2) + 2 * float(travel.max(initial=0.0))
    index = {d: k for k, d in enumerate(sorted({s.district for s in slots}))}
    slot_district = np.array([index[s.district] for s in slots])
    # -1: reinforcements, who are never away; -2: Polsek of a district with no slot here.
    home = np.array([index.get(p.local_district, -2) if p.local_district else -1 for p in people])
    away = (home[:, None] != slot_district[None, :]) & (home[:, None] != -1)
    cost += local_penalty * away
    if keep:
        row = {p.id: i for i, p in enumerate(people)}
        columns: dict[str, list[int]] = defaultdict(list)
        for j, s in enumerate(slots):
            columns[s.post].append(j)
        for post, pid in keep:
            if pid in row and post in columns:
                cost[row[pid], columns[post]] -= KEEP_BONUS
    return cost, travel


def solve_pool(
    people: list[Person], slots: list[Slot], keep: frozenset[tuple[str, int]] = frozenset()
) -> Solution:
    """One minimum-cost assignment of people to slots (same stage, same force)."""
    if not people or not slots:
        return Solution([], list(slots))
    cost, travel = cost_matrix(people, slots, keep)
    rows, cols = linear_sum_assignment(cost)
    placements = [
        Placement(slots[j], people[i].id, round(float(travel[i, j]), 3))
        for i, j in zip(rows, cols, strict=True)
    ]
    filled = set(cols.tolist())
    return Solution(placements, [s for j, s in enumerate(slots) if j not in filled])


def assign(
    people: list[Person], slots: list[Slot], keep: frozenset[tuple[str, int]] = frozenset()
) -> Solution:
    """Every stage's pools: Polri and TNI per stage, Linmas per stage and village."""
    pools: dict[tuple[str, str, str | None], list[Slot]] = defaultdict(list)
    by_force: dict[str, list[Person]] = defaultdict(list)
    # A Linmas slot without a village (None) finds nobody: its pool stays empty.
    by_village: dict[str | None, list[Person]] = defaultdict(list)
    for p in people:
        if p.force == Force.LINMAS:
            by_village[p.village or ""].append(p)
        else:
            by_force[p.force].append(p)
    for s in slots:
        key = (s.stage, s.force, s.village) if s.force == Force.LINMAS else (s.stage, s.force, None)
        pools[key].append(s)
    solution = Solution([], [])
    for (_, force, village), pool_slots in sorted(pools.items(), key=lambda kv: str(kv[0])):
        pool_people = by_village[village] if force == Force.LINMAS else by_force[force]
        part = solve_pool(pool_people, pool_slots, keep)
        solution.placements += part.placements
        solution.unfilled += part.unfilled
    return solution
