"""The state table and the fold: pure, no database."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kawal.custody import states
from kawal.custody.models import Box
from kawal.operations.models import default_leg_hours

S = Box.State
T0 = datetime(2024, 11, 23, 1, 0, tzinfo=UTC)
TPS, VILLAGE, DISTRICT, REGENCY = "35.10.16.1001-001", "35.10.16.1001", "35.10.16", "35.10"
LEGS = default_leg_hours()


def facts(*moves):
    """One event an hour: (kind, place) or (kind, place, seals)."""
    return [
        states.Fact(
            id=f"e{i:02d}",
            kind=kind,
            occurred_at=T0 + timedelta(hours=i),
            place=place,
            seals=tuple(seals[0]) if seals else (),
        )
        for i, (kind, place, *seals) in enumerate(moves)
    ]


OUT_AND_BACK = (
    ("departed", REGENCY),
    ("arrived", DISTRICT),
    ("departed", DISTRICT),
    ("arrived", VILLAGE),
    ("departed", VILLAGE),
    ("arrived", TPS),
    ("opened", TPS),
    ("sealed", TPS, ("A", "B")),
    ("departed", TPS),
    ("arrived", VILLAGE),
    ("departed", VILLAGE),
    ("arrived", DISTRICT),
    ("departed", DISTRICT),
    ("arrived", REGENCY),
)


def test_the_levels_of_places_follow_their_codes():
    assert [states.level_of(c) for c in (REGENCY, DISTRICT, VILLAGE, TPS)] == [
        "kpu",
        "ppk",
        "pps",
        "tps",
    ]


def test_a_box_goes_through_every_state_out_and_back():
    steps = states.fold(facts(*OUT_AND_BACK), LEGS)
    assert [s.after.state for s in steps] == [
        S.IN_TRANSIT,
        S.AT_PPK,
        S.IN_TRANSIT,
        S.AT_PPS,
        S.IN_TRANSIT,
        S.AT_TPS,
        S.OPEN,
        S.SEALED,
        S.RETURNING,
        S.RETURNING,
        S.RETURNING,
        S.AT_PPK_RECAP,
        S.RETURNING,
        S.AT_KPU,
    ]
    assert all(s.allowed and not s.skipped for s in steps)
    assert steps[-1].after.seals == ("A", "B")


def test_every_state_is_reachable_in_the_table():
    reached = {S.AT_KPU_WAREHOUSE} | set(states.TRANSITIONS.values())
    assert reached == set(S.values)


def test_a_departure_starts_the_leg_ahead_with_its_due_time():
    steps = states.fold(facts(("departed", REGENCY)), LEGS)
    assert steps[0].leg == "kpu_ppk"
    assert steps[0].after.expected_by == T0 + timedelta(hours=LEGS["kpu_ppk"])


def test_after_sealing_a_departure_goes_up_the_chain():
    steps = states.fold(facts(*OUT_AND_BACK[:9]), LEGS)
    assert steps[-1].leg == "tps_pps"


def test_an_arrival_clears_the_due_time():
    steps = states.fold(facts(("departed", REGENCY), ("arrived", DISTRICT)), LEGS)
    assert steps[-1].after.expected_by is None


def test_an_arrival_that_skips_a_stop_names_it():
    steps = states.fold(facts(("departed", REGENCY), ("arrived", VILLAGE)), LEGS)
    assert steps[-1].allowed
    assert steps[-1].skipped == "ppk"
    assert steps[-1].after.state == S.AT_PPS


def test_a_move_the_table_forbids_leaves_the_state_alone():
    steps = states.fold(facts(("opened", TPS)), LEGS)
    assert not steps[0].allowed
    assert steps[0].after.state == S.AT_KPU_WAREHOUSE


def test_departing_again_before_arriving_is_not_allowed():
    steps = states.fold(facts(("departed", REGENCY), ("departed", DISTRICT)), LEGS)
    assert not steps[-1].allowed


def test_a_recorded_revote_takes_the_box_back_down_to_the_tps():
    revote = (
        *OUT_AND_BACK[:12],
        ("departed", DISTRICT),
        ("arrived", TPS),
        ("opened", TPS),
        ("sealed", TPS, ("C", "D")),
    )
    steps = states.fold(facts(*revote), LEGS)
    assert [s.after.state for s in steps[-3:]] == [S.AT_TPS, S.OPEN, S.SEALED]
    assert all(s.allowed for s in steps)
    assert steps[-1].after.seals == ("C", "D")


def test_a_recount_reopens_a_sealed_box():
    steps = states.fold(facts(*OUT_AND_BACK[:8], ("opened", TPS)), LEGS)
    assert steps[-1].allowed
    assert steps[-1].after.state == S.OPEN


def test_notes_handovers_and_seal_checks_never_move_a_box():
    steps = states.fold(
        facts(
            ("departed", REGENCY),
            ("note", REGENCY),
            ("handed_over", REGENCY),
            ("seal_checked", REGENCY),
        ),
        LEGS,
    )
    assert {s.after.state for s in steps} == {S.IN_TRANSIT}
    assert all(s.allowed for s in steps)


def test_a_correction_retracts_the_event_it_names():
    wrong = facts(("departed", REGENCY), ("arrived", VILLAGE))
    fix = states.Fact(
        id="fix",
        kind="correction",
        occurred_at=T0 + timedelta(hours=5),
        place=DISTRICT,
        corrects=wrong[1].id,
    )
    steps = states.fold([*wrong, fix], LEGS)
    assert [s.fact.id for s in steps] == [wrong[0].id]
    assert states.final(steps).state == S.IN_TRANSIT


@given(st.permutations(facts(*OUT_AND_BACK)))
def test_the_fold_depends_on_when_events_happened_not_on_their_arrival(shuffled):
    assert states.final(states.fold(shuffled, LEGS)) == states.final(
        states.fold(facts(*OUT_AND_BACK), LEGS)
    )


@given(st.integers(min_value=0, max_value=len(OUT_AND_BACK)))
def test_folding_on_from_a_stored_state_equals_folding_from_the_start(cut):
    every = facts(*OUT_AND_BACK)
    head = states.final(states.fold(every[:cut], LEGS))
    assert states.final(states.fold(every[cut:], LEGS, head), head) == states.final(
        states.fold(every, LEGS)
    )
