"""The deployment planner: Banyuwangi end to end, and a synthetic East Java (60,000 TPS).

Figures:
- plan Banyuwangi: `service.make_plan` on the demo operation (read, group, solve, store
  ~7,300 assignments in one transaction). Floor: reading the same inputs from the database
  (`inputs.read_inputs`), which any plan must do.
- solve Banyuwangi: the pure planner (`service.compute`: posts and assignment) on those
  inputs. Floor: the time spent inside scipy's linear_sum_assignment on the same cost
  matrices, measured during that run.
- plan a synthetic province: East Java's size (38 regencies, 666 districts, ~8,500 villages,
  60,000 TPS, 27,384 Polri, 7,782 TNI, 2 Linmas per TPS), planned regency by regency as each
  Polres plans its own, in memory. Floor: the time inside linear_sum_assignment.
"""

import random
import statistics
import time

from benchmarks import Figure
from kawal.planning import posts, service, solver
from kawal.planning.inputs import Inputs, read_inputs
from kawal.planning.solver import Person

SEED = 60_751
STAGES = ["distribution", "voting", "return", "recap_ppk", "recap_kpu"]
REGENCIES, DISTRICTS, VILLAGES, TPS_TOTAL = 38, 666, 8_494, 60_000
POLRI, TNI = 27_384, 7_782
RAWAN, SANGAT_RAWAN = 733 / 60_751, 87 / 60_751


def _timed_lsa():
    """Wrap scipy's solver to add up the time spent inside it; returns (spent, restore)."""
    spent = [0.0]
    original = solver.linear_sum_assignment

    def timed(cost):
        start = time.perf_counter()
        result = original(cost)
        spent[0] += time.perf_counter() - start
        return result

    solver.linear_sum_assignment = timed

    def restore():
        solver.linear_sum_assignment = original

    return spent, restore


def _banyuwangi() -> list[Figure]:
    from django.core.management import call_command

    from kawal.demo.load import is_loaded, load_demo
    from kawal.operations.models import Operation

    call_command("migrate", interactive=False, verbosity=0)
    if not is_loaded():
        load_demo()
    operation = Operation.objects.get(code="mantap-praja-semeru-2024")
    plan_s, read_s, compute_s, lsa_s = [], [], [], []
    for _ in range(3):
        start = time.perf_counter()
        inputs = read_inputs(operation)
        read_s.append(time.perf_counter() - start)
        spent, restore = _timed_lsa()
        start = time.perf_counter()
        service.compute(inputs)
        compute_s.append(time.perf_counter() - start)
        restore()
        lsa_s.append(spent[0])
        start = time.perf_counter()
        plan = service.make_plan(operation)
        plan_s.append(time.perf_counter() - start)
    n = plan.assignments.count()
    return [
        Figure(
            "plan Banyuwangi (2,732 TPS; read, solve, store)", 1000 * statistics.median(plan_s),
            "ms", 1000 * statistics.median(read_s), "reading the inputs (regions, TPS, members)",
            aim="< 5,000 ms", note=f"{n:,} assignments, {plan.posts.count():,} posts; median of 3",
        ),
        Figure(
            "solve Banyuwangi (posts and assignment, in memory)",
            1000 * statistics.median(compute_s), "ms", 1000 * statistics.median(lsa_s),
            "scipy linear_sum_assignment on the same cost matrices",
            note="median of 3",
        ),
    ]


def _synthetic_regency(rng: random.Random, r: int, n_districts: int, n_villages: int,
                       n_tps: int, polri: int, tni: int) -> Inputs:
    lat0, lng0 = -8.2 + (r % 6) * 0.4, 111.0 + (r // 6) * 0.45
    regency = f"35.{r + 1:02d}"
    districts = [
        posts.Place(f"{regency}.{d + 1:02d}", f"D{d}", lat0 + rng.uniform(0, 0.35),
                    lng0 + rng.uniform(0, 0.4))
        for d in range(n_districts)
    ]
    villages = []
    for v in range(n_villages):
        d = districts[v % n_districts]
        villages.append(posts.Place(f"{d.code}.{2001 + v // n_districts}", f"V{v}",
                                    d.lat + rng.uniform(-0.04, 0.04), d.lng + rng.uniform(-0.04, 0.04)))
    points, per_village = [], {}
    for t in range(n_tps):
        v = villages[t % n_villages]
        per_village[v.code] = per_village.get(v.code, 0) + 1
        roll = rng.random()
        category = "sangat_rawan" if roll < SANGAT_RAWAN else "rawan" if roll < SANGAT_RAWAN + RAWAN else "kurang_rawan"
        points.append(posts.TpsPoint(f"{v.code}-{per_village[v.code]:03d}",
                                     v.lat + rng.uniform(-0.01, 0.01), v.lng + rng.uniform(-0.01, 0.01),
                                     category))
    people, pk = [], r * 1_000_000
    hq = districts[0]
    for i in range(polri):
        pk += 1
        if i < polri * 0.6:
            d = districts[i % n_districts]
            people.append(Person(pk, "polri", d.lat, d.lng, local_district=d.code))
        else:
            people.append(Person(pk, "polri", hq.lat, hq.lng))
    for i in range(tni):
        pk += 1
        d = districts[i % n_districts] if i < 10 * n_districts else hq
        people.append(Person(pk, "tni", d.lat, d.lng))
    for v in villages:
        for _ in range(2 * per_village.get(v.code, 0)):
            pk += 1
            people.append(Person(pk, "linmas", v.lat, v.lng, village=v.code))
    return Inputs(points=points, tps_ids={}, districts=districts, villages=villages,
                  warehouse=districts[1 % n_districts], stages=STAGES,
                  patterns=dict(posts.DEFAULT_PATTERNS), people=people)


def _split(total: int, parts: int, i: int) -> int:
    return total // parts + (1 if i < total % parts else 0)


def _province() -> list[Figure]:
    rng = random.Random(SEED)
    regencies = [
        _synthetic_regency(
            rng, r, _split(DISTRICTS, REGENCIES, r), _split(VILLAGES, REGENCIES, r),
            _split(TPS_TOTAL, REGENCIES, r), _split(POLRI, REGENCIES, r), _split(TNI, REGENCIES, r),
        )
        for r in range(REGENCIES)
    ]
    spent, restore = _timed_lsa()
    start = time.perf_counter()
    placed = unfilled = 0
    for inputs in regencies:
        _, solution = service.compute(inputs)
        placed += len(solution.placements)
        unfilled += len(solution.unfilled)
    elapsed = time.perf_counter() - start
    restore()
    return [
        Figure(
            "plan a synthetic province (60,000 TPS, 38 regencies, in memory)", elapsed, "s",
            spent[0], "scipy linear_sum_assignment on the same cost matrices",
            note=f"{placed:,} placements, {unfilled:,} slots unfilled",
        )
    ]


def run() -> list[Figure]:
    return _banyuwangi() + _province()
