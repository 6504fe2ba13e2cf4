"""The fold and the order-dependent rules, made cheap for replays, still decide as they did.

The fold (`states.step`, `states.fold`) and `rules.ordered` as they stood before the replay
work (2026-12) are kept here as the oracle, and today's are held to them over random
histories from random starts. Pure, no database."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kawal.custody import rules, states
from kawal.custody.models import Alert, Box, CustodyEvent
from kawal.operations.models import default_leg_hours

Kind, State, Severity = CustodyEvent.Kind, Box.State, Alert.Severity
LEGS = default_leg_hours()
T0 = datetime(2024, 11, 23, 1, 0, tzinfo=UTC)
# Every level of the box's route, a place off it, and one code of each odd shape.
PLACES = ("35.10", "35.10.16", "35.10.16.1001", "35.10.16.1001-001", "35.10.17.2002", "35", "x")
SEALS = ("A", "B", "C")


def old_step(before: states.Folded, fact: states.Fact, legs) -> states.Step:
    after = before._replace(last_occurred_at=fact.occurred_at)
    if fact.kind in states.STILL:
        return states.Step(fact, before, after, allowed=True)
    level = states.level_of(fact.place)
    target = states.TRANSITIONS.get((before.state, fact.kind, level)) or states.TRANSITIONS.get(
        (before.state, fact.kind, states.ANY)
    )
    if target is None or (fact.kind == Kind.DEPARTED and before.expected_by is not None):
        return states.Step(fact, before, after, allowed=False)
    after = after._replace(state=target)
    if fact.kind == Kind.DEPARTED:
        leg = states.leg_of(before.stop, before.state in states.INBOUND_STATES)
        due = fact.occurred_at + timedelta(hours=legs[leg])
        return states.Step(fact, before, after._replace(expected_by=due), allowed=True, leg=leg)
    if fact.kind == Kind.ARRIVED:
        after = after._replace(stop=level, expected_by=None)
        return states.Step(
            fact, before, after, allowed=True, skipped=states._skipped(before, level)
        )
    if fact.kind == Kind.SEALED:
        after = after._replace(seals=tuple(sorted(fact.seals)))
    return states.Step(fact, before, after, allowed=True)


def old_fold(facts, legs, start=states.START) -> list[states.Step]:
    facts = list(facts)
    retracted = {f.corrects for f in facts if f.kind == Kind.CORRECTION}
    steps = []
    state = start
    for fact in sorted(facts, key=lambda f: (f.occurred_at, f.id)):
        if fact.kind == Kind.CORRECTION or fact.id in retracted:
            continue
        s = old_step(state, fact, legs)
        steps.append(s)
        state = s.after
    return steps


def old_seals(kind, recorded, at_sealing) -> list[rules.Finding]:
    if kind not in (Kind.ARRIVED, Kind.SEAL_CHECKED) or not at_sealing:
        return []
    if set(recorded) == set(at_sealing):
        return []
    missing = sorted(set(at_sealing) - set(recorded))
    unknown = sorted(set(recorded) - set(at_sealing))
    return [
        rules.Finding(rules.SEAL_MISMATCH, Severity.CRITICAL, {"missing": missing, "unknown": unknown})
    ]


def old_sequence(step: states.Step) -> list[rules.Finding]:
    level = states.level_of(step.fact.place)
    if not step.allowed:
        return [
            rules.Finding(
                rules.SKIPPED_LEG,
                Severity.WARNING,
                {"kind": step.fact.kind, "level": level, "state": step.before.state},
            )
        ]
    if step.skipped:
        return [
            rules.Finding(
                rules.SKIPPED_LEG, Severity.WARNING, {"level": level, "skipped": step.skipped}
            )
        ]
    return []


def old_ordered(step: states.Step) -> list[rules.Finding]:
    fact = step.fact
    return [*old_seals(fact.kind, fact.seals, step.before.seals), *old_sequence(step)]


@st.composite
def histories(draw) -> list[states.Fact]:
    """Events of any kind at any place of the route (or off it), at times that may tie, some
    correcting others (or what was never stored)."""
    n = draw(st.integers(0, 30))
    facts = []
    for i in range(n):
        kind = draw(st.sampled_from(list(Kind)))
        corrects = None
        if kind == Kind.CORRECTION:
            corrects = draw(st.sampled_from([f"e{j:02d}" for j in range(n)] + ["gone"]))
        facts.append(
            states.Fact(
                id=f"e{draw(st.integers(0, 99)):02d}" if draw(st.booleans()) else f"e{i:02d}",
                kind=str(kind),
                occurred_at=T0 + timedelta(minutes=draw(st.integers(0, 40)) * 30),
                place=draw(st.sampled_from(PLACES)),
                seals=tuple(draw(st.lists(st.sampled_from(SEALS), max_size=3))),
                corrects=corrects,
            )
        )
    return facts


starts = st.builds(
    states.Folded,
    state=st.sampled_from([str(s) for s in State]),
    stop=st.sampled_from((states.KPU, states.PPK, states.PPS, states.TPS)),
    seals=st.lists(st.sampled_from(SEALS), max_size=3, unique=True).map(lambda s: tuple(sorted(s))),
    expected_by=st.none() | st.just(T0),
    last_occurred_at=st.none() | st.just(T0),
)


@settings(max_examples=400)
@given(histories(), starts)
def test_the_fold_steps_as_it_did_from_any_start(facts, start):
    assert states.fold(facts, LEGS, start) == old_fold(facts, LEGS, start)
    assert states.fold(facts, LEGS) == old_fold(facts, LEGS)


@settings(max_examples=400)
@given(histories(), starts)
def test_the_order_dependent_rules_find_what_they_found(facts, start):
    for step in old_fold(facts, LEGS, start):
        assert rules.ordered(step) == old_ordered(step)


def test_the_oracle_sees_what_the_rules_name():
    """The oracle's findings are the rules' own: a swapped seal and a skipped stop."""
    sealed = states.Folded(State.SEALED, states.TPS, ("A", "B"))
    arrival = states.Fact("e1", Kind.ARRIVED, T0, "35.10.16", ("A", "C"))
    [step] = old_fold([arrival], LEGS, sealed._replace(state=State.RETURNING, expected_by=T0))
    found = old_ordered(step)
    assert [f.rule for f in found] == [rules.SEAL_MISMATCH, rules.SKIPPED_LEG]
    assert found[0].params == {"missing": ["B"], "unknown": ["C"]}
