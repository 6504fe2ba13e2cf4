"""Judging a batch: each touched box folded on, and the alerts its new events raise.

In order, a box folds on from the state stored on it (custody/states.py). When events land
before others in time, or a correction retracts one, the box is folded again from its whole
history, and the rules that depend on order are judged again over it: findings the replay
reveals are raised. Only people close alerts: a correction raises its own alert for a sector
or command user to decide, and late events lapse only the order-dependent warnings that
`rules.LAPSES_WITH_LATE_EVENTS` names, marked lapsed, never resolved.
"""

import uuid
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Concat

from kawal.custody import history, planned, rules, states
from kawal.custody.alert_text import REORDERED
from kawal.custody.models import Alert, Box, CustodyEvent
from kawal.custody.payload import Incoming
from kawal.operations.models import CustodyRules, covering_each

DEFAULT_RULES = (rules.Config(), CustodyRules())
STANDING = (Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED)
CORRECTION = CustodyEvent.Kind.CORRECTION


@dataclass
class AlertChanges:
    new: list[Alert] = field(default_factory=list)
    # Standing warnings that late events show no longer hold.
    lapsed: list[int] = field(default_factory=list)

    def save(self, now: datetime, regencies: set[str]) -> int:
        """Insert the new alerts and mark the lapsed ones, which lie in `regencies`; answer
        how many lapsed."""
        Alert.objects.bulk_create(self.new)
        if not self.lapsed:
            return 0
        lapsing = Alert.objects.filter(regency__in=regencies, pk__in=self.lapsed, status__in=STANDING)
        return lapsing.update(
            status=Alert.Status.LAPSED, note=Concat(F("note"), Value("\n" + REORDERED)),
            handled_at=now,
        )  # fmt: skip


@dataclass
class Lookups:
    """What a batch read besides its boxes: its escorts' forces, its places' points, the
    custody rules of the operation covering each box (`rules_for`), and what the approved
    plan says of its escorts (custody/planned.py)."""

    forces: dict[str, str]
    points: dict[str, tuple[float, float]]
    rules: dict[str, tuple[rules.Config, CustodyRules]]
    known: planned.Known = field(default_factory=lambda: planned.Known({}))


def rules_for(codes: Iterable[str]) -> dict[str, tuple[rules.Config, CustodyRules]]:
    """The custody rules of the operation covering each box code, where one does."""
    found = {}
    for code, operation in covering_each(codes).items():
        config = getattr(operation, "custody_rules", None) or CustodyRules(operation=operation)
        found[code] = (
            rules.Config(config.require_joint_escort, config.max_distance_km, config.require_gps),
            config,
        )
    return found


def folded_of(box: Box) -> states.Folded:
    return states.Folded(
        state=box.state,
        stop=box.stop,
        seals=tuple(box.seals),
        expected_by=box.expected_by,
        last_occurred_at=box.last_occurred_at,
    )


def fact_of(event: Mapping[str, Any]) -> states.Fact:
    """An event, from an `Incoming`'s attributes (stored ones: custody/history.py)."""
    return states.Fact(
        id=str(event["id"]),
        kind=event["kind"],
        occurred_at=event["occurred_at"],
        place=event["place"],
        seals=tuple(event["seals"]),
        corrects=str(event["corrects"]) if event["corrects"] else None,
    )


def _replayed(boxes: dict[str, Box], touched: dict[str, list[Incoming]]) -> list[str]:
    """The boxes whose new events retract one, or land before the last one folded."""
    replay = []
    for code, new in touched.items():
        last = boxes[code].last_occurred_at
        if any(i.corrects for i in new) or (
            last is not None and min(i.occurred_at for i in new) <= last
        ):
            replay.append(code)
    return replay


def judge_batch(
    boxes: dict[str, Box], touched: dict[str, list[Incoming]], lookups: Lookups, now: datetime
) -> AlertChanges:
    """Move each touched box's state on, and judge its new events against the rules."""
    replay = _replayed(boxes, touched)
    stored = history.facts([boxes[c] for c in replay])
    raised = history.alerts([boxes[c] for c in replay])
    changes = AlertChanges()
    for code, new in touched.items():
        box = boxes[code]
        config, custody_rules = lookups.rules.get(code, DEFAULT_RULES)
        legs = custody_rules.legs_for(code)
        if code in replay:
            facts = [*stored[code], *(fact_of(vars(i)) for i in new)]
            steps = states.fold(facts, legs)
            result = states.final(steps)
            new_ids = {str(i.id) for i in new}
            _rejudge(box, facts, steps, legs, new_ids, raised[code], changes, now)
            _corrections(box, facts, new, raised[code], changes, now)
        else:
            start = folded_of(box)
            steps = states.fold((fact_of(vars(i)) for i in new), legs, start)
            result = states.final(steps, start)
        box.state, box.stop, box.seals = result.state, result.stop, list(result.seals)
        box.expected_by, box.last_occurred_at = result.expected_by, result.last_occurred_at
        _judge_new(box, steps, {str(i.id): i for i in new}, lookups, config, changes, now)
    return changes


def _judge_new(
    box: Box,
    steps: list[states.Step],
    new: dict[str, Incoming],
    lookups: Lookups,
    config: rules.Config,
    changes: AlertChanges,
    now: datetime,
) -> None:
    """Raise every finding of the batch's own events, given the box's state before each."""
    for s in steps:
        item = new.get(s.fact.id)
        if item is None:
            continue
        position = (item.lat, item.lng) if item.lat is not None and item.lng is not None else None
        forces = [lookups.forces[n] for n in item.escorts]
        expected = lookups.points.get(item.place)
        planned = lookups.known.planned.get(box.code)
        for finding in rules.judge(
            s, box.code, forces, position, expected, config, item.escorts, planned
        ):
            changes.new.append(_alert(box, item.id, finding, now))


def _alert(box: Box, event_id: uuid.UUID, finding: rules.Finding, now: datetime) -> Alert:
    return Alert(
        box=box, regency=box.regency, event_id=event_id, rule=finding.rule, severity=finding.severity,
        params=finding.params, raised_at=now,
    )  # fmt: skip


def _rejudge(
    box: Box,
    facts: list[states.Fact],
    steps: list[states.Step],
    legs: Mapping[str, float],
    new_ids: set[str],
    stored: list[history.Raised],
    changes: AlertChanges,
    now: datetime,
) -> None:
    """Raise the order-dependent findings a replay reveals; lapse the warnings that late
    events alone show no longer hold. What a correction retracts never lapses here."""
    holds = {(s.fact.id, finding.rule): finding for s in steps for finding in rules.ordered(s)}
    raised = {(a.event_id, a.rule) for a in stored if a.status != Alert.Status.LAPSED}
    for (event_id, rule), finding in holds.items():
        if event_id not in new_ids and (event_id, rule) not in raised:
            changes.new.append(_alert(box, uuid.UUID(event_id), finding, now))
    holds_late: AbstractSet[tuple[str, str]] = holds.keys()
    uncorrected = [f for f in facts if f.kind != CORRECTION]
    if len(uncorrected) < len(facts):
        steps = states.fold(uncorrected, legs)
        holds_late = {(s.fact.id, finding.rule) for s in steps for finding in rules.ordered(s)}
    for a in stored:
        if (
            a.event_id and a.status in STANDING and a.event_id not in new_ids
            and a.rule in rules.LAPSES_WITH_LATE_EVENTS and (a.event_id, a.rule) not in holds_late
        ):  # fmt: skip
            changes.lapsed.append(a.id)


def _corrections(
    box: Box,
    facts: list[states.Fact],
    new: list[Incoming],
    stored: list[history.Raised],
    changes: AlertChanges,
    now: datetime,
) -> None:
    """Raise a correction alert for each of the batch's corrections, naming the event it
    corrects and its note, as grave as that event's alerts."""
    kinds = {f.id: f.kind for f in facts}
    for item in new:
        if item.kind != CORRECTION or item.corrects is None:
            continue
        target = str(item.corrects)
        touched = [a.severity for a in stored if a.event_id == target]
        touched += [a.severity for a in changes.new if str(a.event_id) == target]
        finding = rules.correction(kinds.get(target, "event"), target, item.note, touched)
        changes.new.append(_alert(box, item.id, finding, now))
