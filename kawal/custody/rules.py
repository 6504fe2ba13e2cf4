"""Rules that raise custody alerts. Pure: plain data in, findings out; no database.

The ledger judges every event it appends (`judge()`, from custody/judging.py). The two rules
that depend on the clock, overdue legs and unsealed boxes, are judged when alerts are read
(custody/alerts.py), from the `expected_by` and state the fold keeps on each box. Overdue
is also a query filter (`overdue_boxes`), for the alerts and the command center's counts.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q

from kawal.custody import alert_text
from kawal.custody.models import Alert, CustodyEvent
from kawal.custody.states import MOVING_STATES, PPS, TPS, Step, level_of
from kawal.territory.codes import lies_within
from kawal.territory.distance import km

Kind = CustodyEvent.Kind
Severity = Alert.Severity

# The rules, by the name an alert records (Alert.Rule).
ESCORT, SEAL_MISMATCH, SKIPPED_LEG, PLACE, OVERDUE, NOT_SEALED, CORRECTION = (
    Alert.Rule.ESCORT,
    Alert.Rule.SEAL_MISMATCH,
    Alert.Rule.SKIPPED_LEG,
    Alert.Rule.PLACE,
    Alert.Rule.OVERDUE,
    Alert.Rule.NOT_SEALED,
    Alert.Rule.CORRECTION,
)
ESCORT_NOT_IN_PLAN, MISSING_GPS = Alert.Rule.ESCORT_NOT_IN_PLAN, Alert.Rule.MISSING_GPS
# The events whose escorts are held to the approved plan, and those that need a GPS fix.
ESCORTED = (Kind.DEPARTED, Kind.HANDED_OVER, Kind.ARRIVED)
MOVES = (Kind.DEPARTED, Kind.ARRIVED)
# The events whose seals are held to those recorded at sealing.
SEAL_CHECKS = (Kind.ARRIVED, Kind.SEAL_CHECKED)


@dataclass(frozen=True)
class Config:
    require_joint_escort: bool = False
    max_distance_km: float = 2.0
    # Off unless an operation asks (operations.CustodyRules.require_gps, on by default there).
    require_gps: bool = False


@dataclass(frozen=True)
class Finding:
    """What a rule found: stored as the rule and its parameters, put in words when read
    (custody/alert_text.py), so every reader gets it in their own language."""

    rule: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The finding in words, in the active language."""
        return alert_text.message(self.rule, self.params)


def escort(kind: str, forces: Sequence[str], config: Config) -> list[Finding]:
    """A departure needs at least one Polri escort, and a TNI one where the operation says so."""
    if kind != Kind.DEPARTED:
        return []
    found = []
    if "polri" not in forces:
        found.append(Finding(ESCORT, Severity.CRITICAL, {"force": "polri"}))
    if config.require_joint_escort and "tni" not in forces:
        found.append(Finding(ESCORT, Severity.WARNING, {"force": "tni"}))
    return found


def in_plan(
    kind: str, box_code: str, escorts: Sequence[str], planned: frozenset[str] | None
) -> list[Finding]:
    """Each escort of a departure, handover or arrival is one the approved plan assigns to
    the box's TPS post or escort team. `planned` is None where no plan is approved: then
    nothing is held to one."""
    if planned is None or kind not in ESCORTED:
        return []
    return [
        Finding(ESCORT_NOT_IN_PLAN, Severity.WARNING, {"nrp": nrp, "box": box_code})
        for nrp in escorts
        if nrp not in planned
    ]


def gps(kind: str, position: tuple[float, float] | None, config: Config) -> list[Finding]:
    """A departure or arrival carries the phone's GPS fix where the operation asks for one."""
    if not config.require_gps or kind not in MOVES or position is not None:
        return []
    return [Finding(MISSING_GPS, Severity.INFO, {"kind": kind})]


def seals(kind: str, recorded: Sequence[str], at_sealing: Sequence[str]) -> list[Finding]:
    """Seals seen on arrival or at a check must be those recorded when the box was sealed."""
    if kind not in SEAL_CHECKS or not at_sealing:
        return []
    if set(recorded) == set(at_sealing):
        return []
    missing = sorted(set(at_sealing) - set(recorded))
    unknown = sorted(set(recorded) - set(at_sealing))
    return [Finding(SEAL_MISMATCH, Severity.CRITICAL, {"missing": missing, "unknown": unknown})]


def sequence(step: Step) -> list[Finding]:
    """A leg of the chain skipped: a stop never reached, or a move the state table forbids."""
    if step.allowed and not step.skipped:
        return []  # most steps: a replay asks of every event of its box
    level = level_of(step.fact.place)
    if not step.allowed:
        return [
            Finding(
                SKIPPED_LEG,
                Severity.WARNING,
                {"kind": step.fact.kind, "level": level, "state": step.before.state},
            )
        ]
    return [Finding(SKIPPED_LEG, Severity.WARNING, {"level": level, "skipped": step.skipped})]


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lng) points."""
    return km(*a, *b)


def place(
    box_code: str,
    place_code: str,
    position: tuple[float, float] | None,
    expected: tuple[float, float] | None,
    config: Config,
) -> list[Finding]:
    """An event belongs on its box's route, and near the TPS or village it names.

    Districts and the regency are too large for a centre point to mean anything, so only
    TPS and village places are held to the distance.
    """
    if not lies_within(box_code, place_code):
        return [Finding(PLACE, Severity.WARNING, {"place": place_code})]
    if position is None or expected is None or level_of(place_code) not in (TPS, PPS):
        return []
    km = km_between(position, expected)
    if km > config.max_distance_km:
        return [
            Finding(
                PLACE,
                Severity.WARNING,
                {"place": place_code, "km": round(km, 1), "allowed": config.max_distance_km},
            )
        ]
    return []


# Rules whose verdict depends on the events before: judged again when a late event lands
# before them in time, or a correction retracts one of them.
ORDERED = (SEAL_MISMATCH, SKIPPED_LEG)
# Of those, the warnings late events may lapse. A seal mismatch is the mark of a swapped
# box: only a person closes it, whatever arrives after.
LAPSES_WITH_LATE_EVENTS = (SKIPPED_LEG,)
SEVERITY_RANK: dict[str, int] = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


def correction(
    corrected_kind: str, corrected_id: str, note: str, touched: Sequence[str]
) -> Finding:
    """A correction never closes an alert by itself: it raises its own, for a sector or
    command user to decide, as grave as the gravest alert it touches (`touched`: the
    severities of the corrected event's alerts), and a warning when it touches none."""
    severity = max(touched, key=SEVERITY_RANK.__getitem__, default=Severity.WARNING)
    if SEVERITY_RANK[severity] < SEVERITY_RANK[Severity.WARNING]:
        severity = Severity.WARNING
    return Finding(
        CORRECTION, severity, {"kind": corrected_kind, "event": corrected_id, "note": note.strip()}
    )


def ordered(step: Step) -> list[Finding]:
    """The findings that depend on the box's history before this event."""
    fact = step.fact
    return [*seals(fact.kind, fact.seals, step.before.seals), *sequence(step)]


def judge(
    step: Step,
    box_code: str,
    forces: Sequence[str],
    position: tuple[float, float] | None,
    expected: tuple[float, float] | None,
    config: Config,
    escorts: Sequence[str] = (),
    planned: frozenset[str] | None = None,
) -> list[Finding]:
    """Every finding for one appended event, given the box's state just before it:
    `forces` are its `escorts`' forces, `planned` the NRPs the approved plan puts on the box."""
    fact = step.fact
    return [
        *escort(fact.kind, forces, config),
        *in_plan(fact.kind, box_code, escorts, planned),
        *ordered(step),
        *place(box_code, fact.place, position, expected, config),
        *gps(fact.kind, position, config),
    ]


def overdue(state: str, expected_by: datetime | None, now: datetime) -> bool:
    """A box in transit past the time its leg allows. The twin of `overdue_boxes`."""
    return state in MOVING_STATES and expected_by is not None and expected_by < now


def overdue_boxes(now: datetime) -> Q:
    """Boxes that are `overdue()` at `now`, as a query filter on Box (the box_state_due index)."""
    return Q(state__in=MOVING_STATES, expected_by__lt=now)
