import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from kawal.planning.solver import Person, Slot, assign, cost_matrix, solve_pool
from kawal.territory.distance import km

DISTRICTS = ("35.10.01", "35.10.02")
coords = st.tuples(st.floats(-8.8, -8.0), st.floats(113.9, 114.5))


def _matchings(n_people: int, n_slots: int):
    """Every way to fill min(n_people, n_slots) slots with distinct people: (person, slot) pairs."""
    if n_people >= n_slots:
        for perm in itertools.permutations(range(n_people), n_slots):
            yield list(zip(perm, range(n_slots), strict=True))
    else:
        for perm in itertools.permutations(range(n_slots), n_people):
            yield list(zip(range(n_people), perm, strict=True))


people_st = st.lists(
    st.tuples(coords, st.sampled_from([None, *DISTRICTS])), min_size=1, max_size=6
)
slots_st = st.lists(
    st.tuples(coords, st.sampled_from(DISTRICTS), st.integers(0, 3)), min_size=1, max_size=5
)


def _pool(people_spec, slots_spec):
    people = [
        Person(i, "polri", lat, lng, local_district=district)
        for i, ((lat, lng), district) in enumerate(people_spec)
    ]
    slots = [
        Slot(f"{district}-P{j:03d}", "voting", "polri", district, lat, lng, priority)
        for j, ((lat, lng), district, priority) in enumerate(slots_spec)
    ]
    return people, slots


@settings(max_examples=80, deadline=None)
@given(people_st, slots_st)
def test_the_solver_finds_the_brute_force_optimum(people_spec, slots_spec):
    people, slots = _pool(people_spec, slots_spec)
    cost, _ = cost_matrix(people, slots)
    best = min(sum(cost[i, j] for i, j in m) for m in _matchings(len(people), len(slots)))
    solution = solve_pool(people, slots)
    index = {p.id: i for i, p in enumerate(people)}
    chosen = sum(cost[index[p.person], slots.index(p.slot)] for p in solution.placements)
    assert len(solution.placements) == min(len(people), len(slots))
    assert abs(chosen - best) < 1e-6


@settings(max_examples=60, deadline=None)
@given(people_st, slots_st)
def test_with_enough_people_it_minimises_travel_keeping_polsek_at_home_first(
    people_spec, slots_spec
):
    """Brute force on the rule as written: fewest Polsek sent away, then least travel."""
    people, slots = _pool(people_spec, slots_spec)
    if len(people) < len(slots):
        people = people + [
            Person(100 + k, "polri", -8.4, 114.2) for k in range(len(slots) - len(people))
        ]

    def score(matching):
        away = sum(
            1 for i, j in matching
            if people[i].local_district and people[i].local_district != slots[j].district
        )
        travel = sum(km(people[i].lat, people[i].lng, slots[j].lat, slots[j].lng) for i, j in matching)
        return away, travel

    best_away, best_travel = min(score(m) for m in _matchings(len(people), len(slots)))
    solution = solve_pool(people, slots)
    away = sum(
        1 for p in solution.placements
        for person in people if person.id == p.person
        if person.local_district and person.local_district != p.slot.district
    )
    assert away == best_away
    assert abs(solution.travel_km - best_travel) < 1e-2  # placements round km to metres


def test_reinforcements_go_where_the_shortfall_is_largest():
    # District 01 is short by 1 after its own Polsek, district 02 by 3; one BKO officer
    # lives right next to district 01 but must go to 02.
    people = [Person(1, "polri", -8.50, 114.00, local_district="35.10.01"),
              Person(2, "polri", -8.50, 114.01)]
    slots = [Slot("35.10.01-P001", "voting", "polri", "35.10.01", -8.50, 114.00) for _ in range(2)]
    slots += [Slot("35.10.02-P001", "voting", "polri", "35.10.02", -8.20, 114.30) for _ in range(3)]
    solution = solve_pool(people, slots)
    placed = {p.person: p.slot.district for p in solution.placements}
    assert placed == {1: "35.10.01", 2: "35.10.02"}


def test_a_polsek_member_leaves_home_only_when_home_is_full():
    people = [Person(1, "polri", -8.5, 114.0, local_district="35.10.01"),
              Person(2, "polri", -8.5, 114.0, local_district="35.10.01")]
    slots = [Slot("35.10.01-P001", "voting", "polri", "35.10.01", -8.2, 114.3),
             Slot("35.10.02-P001", "voting", "polri", "35.10.02", -8.5, 114.0)]
    placed = sorted(p.slot.district for p in solve_pool(people, slots).placements)
    assert placed == ["35.10.01", "35.10.02"]


def test_linmas_serve_only_their_own_village_and_nobody_holds_two_slots_in_a_stage():
    people = [Person(i, "linmas", -8.5, 114.0, village="35.10.01.2001") for i in range(3)]
    people += [Person(10 + i, "linmas", -8.6, 114.1, village="35.10.01.2002") for i in range(2)]
    slots = [
        Slot("35.10.01-P001", "voting", "linmas", "35.10.01", -8.55, 114.05, village=v)
        for v in ["35.10.01.2001"] * 2 + ["35.10.01.2002"] * 4
    ]
    solution = assign(people, slots)
    home = {p.id: p.village for p in people}
    assert all(home[p.person] == p.slot.village for p in solution.placements)
    assert max(Counter(p.person for p in solution.placements).values()) == 1
    assert Counter(s.village for s in solution.unfilled) == {"35.10.01.2002": 2}


pool_people = st.lists(
    st.tuples(
        st.sampled_from(["polri", "tni", "linmas"]),
        st.sampled_from([None, *DISTRICTS]),
        st.sampled_from(["35.10.01.2001", "35.10.02.2001"]),
    ),
    max_size=15,
)
pool_slots = st.lists(
    st.tuples(
        st.sampled_from(["voting", "return"]),
        st.sampled_from(["polri", "tni", "linmas"]),
        st.sampled_from(["35.10.01.2001", "35.10.02.2001"]),
    ),
    max_size=15,
)


@settings(max_examples=60, deadline=None)
@given(pool_people, pool_slots)
def test_every_stage_fills_what_it_can_without_double_booking_or_crossing_forces(spec_p, spec_s):
    people = [
        Person(i, force, -8.5, 114.0, local_district=district if force != "linmas" else None,
               village=village if force == "linmas" else None)
        for i, (force, district, village) in enumerate(spec_p)
    ]
    slots = [
        Slot(f"{village[:8]}-P{j:03d}", stage, force, village[:8], -8.4, 114.1,
             village=village if force == "linmas" else None)
        for j, (stage, force, village) in enumerate(spec_s)
    ]
    solution = assign(people, slots)
    by_id = {p.id: p for p in people}
    bookings = Counter((p.person, p.slot.stage) for p in solution.placements)
    assert all(n == 1 for n in bookings.values())
    for placed in solution.placements:
        person = by_id[placed.person]
        assert person.force == placed.slot.force
        if person.force == "linmas":
            assert person.village == placed.slot.village
    assert len(solution.placements) + len(solution.unfilled) == len(slots)
    # A slot stays empty only when its pool has nobody left.
    for slot in solution.unfilled:
        eligible = [
            p for p in people
            if p.force == slot.force and (slot.force != "linmas" or p.village == slot.village)
        ]
        used = {x.person for x in solution.placements if x.slot.stage == slot.stage}
        assert all(p.id in used for p in eligible)
