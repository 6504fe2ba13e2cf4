"""A box's state: one table of allowed moves, and the fold of its events over that table.

The state is a fold over the box's events sorted by the time they happened on the device
(late offline events arrive out of order), never by the order the server got them.
Pure: plain data in, plain data out. The table is what the code, the tests and
docs/custody.md all point at.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import NamedTuple

from kawal.custody.models import Box, CustodyEvent

State = Box.State
Kind = CustodyEvent.Kind
# Reached once here, not per event: a replay folds every event of its box again.
DEPARTED, ARRIVED, SEALED, CORRECTION = Kind.DEPARTED, Kind.ARRIVED, Kind.SEALED, Kind.CORRECTION
RETURNING = State.RETURNING

# Place levels, from the KPU regency office down to the polling station.
KPU, PPK, PPS, TPS = "kpu", "ppk", "pps", "tps"
DOWN = {KPU: PPK, PPK: PPS, PPS: TPS}  # distribution of logistics
UP = {TPS: PPS, PPS: PPK, PPK: KPU}  # return of the results
DEPTH = {KPU: 0, PPK: 1, PPS: 2, TPS: 3}
ANY = "*"

# (state, event kind, level of the event's place) -> next state. ANY matches every level.
TRANSITIONS: dict[tuple[str, str, str], str] = {
    # Distribution: KPU warehouse -> PPK -> PPS -> TPS.
    (State.AT_KPU_WAREHOUSE, Kind.DEPARTED, ANY): State.IN_TRANSIT,
    (State.AT_PPK, Kind.DEPARTED, ANY): State.IN_TRANSIT,
    (State.AT_PPS, Kind.DEPARTED, ANY): State.IN_TRANSIT,
    (State.AT_TPS, Kind.DEPARTED, ANY): State.IN_TRANSIT,
    (State.IN_TRANSIT, Kind.ARRIVED, KPU): State.AT_KPU_WAREHOUSE,
    (State.IN_TRANSIT, Kind.ARRIVED, PPK): State.AT_PPK,
    (State.IN_TRANSIT, Kind.ARRIVED, PPS): State.AT_PPS,
    (State.IN_TRANSIT, Kind.ARRIVED, TPS): State.AT_TPS,
    # Voting day: shown empty, then sealed after counting.
    (State.AT_TPS, Kind.OPENED, ANY): State.OPEN,
    (State.OPEN, Kind.SEALED, ANY): State.SEALED,
    # Return of results: TPS -> PPS -> PPK (recap) -> KPU.
    (State.SEALED, Kind.DEPARTED, ANY): State.RETURNING,
    (State.RETURNING, Kind.ARRIVED, PPS): State.RETURNING,
    (State.RETURNING, Kind.DEPARTED, ANY): State.RETURNING,
    (State.RETURNING, Kind.ARRIVED, PPK): State.AT_PPK_RECAP,
    (State.AT_PPK_RECAP, Kind.OPENED, ANY): State.AT_PPK_RECAP,
    (State.AT_PPK_RECAP, Kind.SEALED, ANY): State.AT_PPK_RECAP,
    (State.AT_PPK_RECAP, Kind.DEPARTED, ANY): State.RETURNING,
    (State.RETURNING, Kind.ARRIVED, KPU): State.AT_KPU,
    # Re-votes and recounts, when recorded: the box goes back down the chain.
    (State.SEALED, Kind.OPENED, ANY): State.OPEN,
    (State.RETURNING, Kind.ARRIVED, TPS): State.AT_TPS,
    (State.AT_KPU, Kind.DEPARTED, ANY): State.RETURNING,
}
# These record what happened to a box without moving it.
STILL = frozenset({Kind.HANDED_OVER, Kind.SEAL_CHECKED, Kind.NOTE})

MOVING_STATES = frozenset({State.IN_TRANSIT, State.RETURNING})
# A box in one of these states has not been sealed after counting yet.
UNSEALED_STATES = frozenset(
    {State.AT_KPU_WAREHOUSE, State.IN_TRANSIT, State.AT_PPK, State.AT_PPS, State.AT_TPS, State.OPEN}
)
# After sealing the box travels up the chain; a departure from these goes back up.
INBOUND_STATES = frozenset({State.SEALED, State.RETURNING, State.AT_PPK_RECAP, State.AT_KPU})


# Region codes by their count of dots; a TPS code holds a dash.
LEVEL_BY_DOTS = {0: KPU, 1: KPU, 2: PPK, 3: PPS}


def level_of(place: str) -> str:
    """The level of a region or TPS code: 35.10 KPU, 35.10.01 PPK, 35.10.01.2001 PPS, …-001 TPS."""
    if "-" in place:
        return TPS
    return LEVEL_BY_DOTS.get(place.count("."), TPS)


# Fact, Folded and Step are named tuples, each built whole: a replay builds one of each for
# every event of its box, where frozen dataclasses and dataclasses.replace cost most of it.
class Fact(NamedTuple):
    """The parts of a custody event the fold and the rules read."""

    id: str
    kind: str
    occurred_at: datetime
    place: str
    seals: tuple[str, ...] = ()
    corrects: str | None = None


# The order events happened in: their time on the device, then their id.
ORDER = attrgetter("occurred_at", "id")


class Folded(NamedTuple):
    state: str = State.AT_KPU_WAREHOUSE
    stop: str = KPU  # the last level the box reached
    seals: tuple[str, ...] = ()  # as recorded at the last sealing
    expected_by: datetime | None = None  # set while a leg is under way
    last_occurred_at: datetime | None = None


START = Folded()


class Step(NamedTuple):
    fact: Fact
    before: Folded
    after: Folded
    allowed: bool  # the move is in TRANSITIONS (or is one that never moves a box)
    skipped: str | None = None  # the level whose stop was skipped, for an allowed arrival
    leg: str | None = None  # the leg a departure started, e.g. "pps_tps"


def leg_of(stop: str, inbound: bool) -> str:
    """The leg a departure from `stop` starts: up the chain after sealing, else down."""
    ahead = UP if inbound else DOWN
    nxt = ahead.get(stop) or (DOWN if inbound else UP)[stop]
    return f"{stop}_{nxt}"


def _skipped(before: Folded, level: str) -> str | None:
    if before.state == RETURNING:
        expected = UP.get(before.stop)
        moved_on = DEPTH[level] < DEPTH[before.stop]
    else:
        expected = DOWN.get(before.stop)
        moved_on = DEPTH[level] > DEPTH[before.stop]
    if expected and moved_on and level != expected:
        return expected
    return None


def step(before: Folded, fact: Fact, legs: Mapping[str, float]) -> Step:
    """Apply one event. A move the table doesn't allow leaves the state as it was."""
    kind, at = fact.kind, fact.occurred_at
    if kind in STILL:
        return Step(fact, before, _at(before, at), allowed=True)
    level = level_of(fact.place)
    target = TRANSITIONS.get((before.state, kind, level)) or TRANSITIONS.get(
        (before.state, kind, ANY)
    )
    # A departure while a leg is still under way means its arrival was never recorded.
    if target is None or (kind == DEPARTED and before.expected_by is not None):
        return Step(fact, before, _at(before, at), allowed=False)
    if kind == DEPARTED:
        leg = leg_of(before.stop, before.state in INBOUND_STATES)
        due = at + timedelta(hours=legs[leg])
        after = Folded(target, before.stop, before.seals, due, at)
        return Step(fact, before, after, allowed=True, leg=leg)
    if kind == ARRIVED:
        after = Folded(target, level, before.seals, None, at)
        return Step(fact, before, after, allowed=True, skipped=_skipped(before, level))
    seals = tuple(sorted(fact.seals)) if kind == SEALED else before.seals
    return Step(fact, before, Folded(target, before.stop, seals, before.expected_by, at), True)


def _at(before: Folded, at: datetime) -> Folded:
    """`before`, as of an event that doesn't move the box."""
    return Folded(before.state, before.stop, before.seals, before.expected_by, at)


def fold(facts: Iterable[Fact], legs: Mapping[str, float], start: Folded = START) -> list[Step]:
    """Fold events in the order they happened. Corrections retract the event they point at."""
    facts = sorted(facts, key=ORDER)
    retracted = {f.corrects for f in facts if f.kind == CORRECTION}
    steps = []
    state = start
    for fact in facts:
        if fact.kind == CORRECTION or fact.id in retracted:
            continue
        s = step(state, fact, legs)
        steps.append(s)
        state = s.after
    return steps


def final(steps: list[Step], start: Folded = START) -> Folded:
    return steps[-1].after if steps else start


# Where each place level of a box's journey is, as a prefix of the box code.
LEVEL_CODE_LENGTH = {KPU: 5, PPK: 8, PPS: 13, TPS: 17}


@dataclass(frozen=True)
class Move:
    kind: str
    place: str  # the region or TPS code where the ledger expects it


def next_move(box_code: str, folded: Folded) -> Move | None:
    """What the ledger expects next for a box, by TRANSITIONS: the move a field officer
    confirms before recording. None once the box is back at the KPU."""
    def at(level: str) -> str:
        return box_code[: LEVEL_CODE_LENGTH[level]]

    state, stop = folded.state, folded.stop
    if state in MOVING_STATES and folded.expected_by is not None:
        destination = leg_of(stop, state in INBOUND_STATES).split("_")[1]
        return Move(Kind.ARRIVED, at(destination))
    if state in (State.AT_KPU_WAREHOUSE, State.AT_PPK, State.AT_PPS, State.SEALED, State.AT_PPK_RECAP, State.RETURNING):
        return Move(Kind.DEPARTED, at(stop))
    if state == State.AT_TPS:
        return Move(Kind.OPENED, at(TPS))
    if state == State.OPEN:
        return Move(Kind.SEALED, at(stop))
    return None
