"""Alerts: the stored ones the ledger raised, and the ones the clock raises when they are read.

Overdue legs and unsealed boxes depend on the time of asking, so they are never stored:
`listing()` computes them from each box's `expected_by` and state (custody/rules.py) while
their operation runs. Only command and sector staff (scope.ALERT_HANDLER_ROLES) acknowledge
and resolve stored alerts: the ledger itself only marks a late-shown warning lapsed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.scope import (
    ALERT_HANDLER_ROLES,
    Scope,
    require_region,
    require_roles,
    scope_of,
)
from kawal.custody import alert_text, rules
from kawal.custody.models import Alert, Box, with_events
from kawal.custody.states import UNSEALED_STATES
from kawal.operations.models import Operation, Stage
from kawal.territory.codes import REGENCY_LENGTH, regencies_of, within

LIMIT = 1000


@dataclass(frozen=True)
class AlertView:
    """An alert as the API and pages show it: `message` is in the reader's language, made
    from `rule` and `params` (custody/alert_text.py)."""

    # None for alerts computed at query time. A field left out of the API's answer when None
    # (the box timeline answers without nulls) has a default, so the schema doesn't require it.
    id: int | None = field(default=None, kw_only=True)
    box: str
    rule: str
    severity: str
    status: str
    message: str
    raised_at: datetime
    event: str | None = None
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    # When the event behind it happened (the due time, for alerts computed at query time).
    occurred_at: datetime | None = None

    @property
    def rule_label(self) -> str:
        return alert_text.rule_label(self.rule)

    @property
    def severity_label(self) -> str:
        return str(Alert.Severity(self.severity).label)

    @property
    def status_label(self) -> str:
        return str(Alert.Status(self.status).label)

    @property
    def note_lines(self) -> list[str]:
        return alert_text.note_lines(self.note)


def view_of(alert: Alert) -> AlertView:
    """A stored alert (with its box and event selected) as the API and pages show it."""
    return AlertView(
        alert.box.code, alert.rule, alert.severity, alert.status, alert.message,
        alert.raised_at, str(alert.event_id) if alert.event_id else None, alert.note,
        alert.params, alert.event.occurred_at if alert.event else None, id=alert.pk,
    )  # fmt: skip


def readable(found: list[Alert], personnel_in: Callable[[str], bool]) -> list[Alert]:
    """Stored alerts (with their boxes selected) as a page shows them to its reader: where
    `personnel_in(box code)` is false, without the NRPs their parameters name and the
    usernames in their notes (alert_text; on these objects only, never saved)."""
    for a in found:
        if not personnel_in(a.box.code):
            a.params = alert_text.for_reader(a.params, False)
            a.note = alert_text.without_handlers(a.note)
    return found


def _for_reader(view: AlertView, scope: Scope) -> AlertView:
    if scope.sees_personnel_in(view.box):
        return view
    params = alert_text.for_reader(view.params, False)
    return replace(
        view, params=params, message=alert_text.message(view.rule, params),
        note=alert_text.without_handlers(view.note),
    )  # fmt: skip


def _computed_view(code: str, rule: str, severity: str, params: dict, due: datetime) -> AlertView:
    return AlertView(
        code, rule, severity, Alert.Status.OPEN, alert_text.message(rule, params), due,
        params=params, occurred_at=due,
    )  # fmt: skip


def _seal_by(operation: Operation) -> datetime | None:
    config = getattr(operation, "custody_rules", None)
    if config is not None and config.seal_by:
        return config.seal_by
    voting = next((s for s in operation.stages.all() if s.kind == Stage.Kind.VOTING), None)
    return voting.ends_at if voting else None


def computed(boxes: QuerySet[Box], now: datetime) -> list[AlertView]:
    """Overdue legs and unsealed boxes among `boxes`, for every operation running now."""
    found = []
    running = (
        Operation.objects.filter(starts_at__lte=now, ends_at__gt=now)
        .select_related("custody_rules")
        .prefetch_related("stages")
    )
    for operation in running:
        in_operation = boxes.filter(within("code", operation.region_id))
        overdue = in_operation.filter(rules.overdue_boxes(now))
        for code, due in overdue.values_list("code", "expected_by"):
            assert due is not None  # overdue_boxes() holds only boxes with a due time
            found.append(
                _computed_view(
                    code, rules.OVERDUE, Alert.Severity.WARNING, {"due": due.isoformat()}, due
                )
            )
        seal_by = _seal_by(operation)
        if seal_by and seal_by < now:
            for code in in_operation.filter(state__in=UNSEALED_STATES).values_list(
                "code", flat=True
            ):
                params = {"by": seal_by.isoformat()}
                found.append(
                    _computed_view(code, rules.NOT_SEALED, Alert.Severity.CRITICAL, params, seal_by)
                )
    return found


def listing(
    user: User,
    *,
    region: str | None = None,
    box: str | None = None,
    status: str | None = None,
    now: datetime | None = None,
) -> list[AlertView]:
    """Alerts the caller's scope allows, newest first, computed ones included while open."""
    scope = require_region(user, region) if region else scope_of(user)
    if box and not scope.covers(box):
        raise PermissionDenied(f"box {box} is outside your scope")
    if status and status not in Alert.Status.values:
        raise ValidationError(f"status must be one of {', '.join(Alert.Status.values)}")
    where, boxes = scope.filter("box__code"), Box.objects.filter(scope.filter("code"))
    regencies = _regencies(region, box)
    if regencies is not None:  # a regency or deeper: only its shard (docs/deploy.md)
        where &= Q(regency__in=regencies, box__regency=F("regency"))
        boxes = boxes.filter(regency__in=regencies)
    if region:
        where &= within("box__code", region)
        boxes = boxes.filter(within("code", region))
    if box:
        where &= Q(box__code=box)
        boxes = boxes.filter(code=box)
    stored = Alert.objects.filter(where).select_related("box").prefetch_related(with_events(regencies))
    if status:
        stored = stored.filter(status=status)
    views = [_for_reader(view_of(a), scope) for a in stored[:LIMIT]]
    if status in (None, Alert.Status.OPEN):
        views.extend(computed(boxes, now or timezone.now()))
    return sorted(views, key=lambda v: v.raised_at, reverse=True)[:LIMIT]


def _regencies(region: str | None, box: str | None) -> set[str] | None:
    """The one regency a box or a region at regency depth or deeper lies in; None above."""
    code = box or region
    return regencies_of([code]) if code and len(code) >= REGENCY_LENGTH else None


MOVES: dict[str, set[str]] = {
    Alert.Status.ACKNOWLEDGED: {Alert.Status.OPEN},
    Alert.Status.RESOLVED: {Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED, Alert.Status.LAPSED},
}


@transaction.atomic
def handle(user: User, alert_id: int, to: str, note: str) -> Alert:
    """Acknowledge or resolve a stored alert, with a note; recorded in the audit log."""
    scope = require_roles(
        user, ALERT_HANDLER_ROLES, "only command and sector staff acknowledge or resolve alerts"
    )
    alert = Alert.objects.select_for_update().filter(scope.filter("box__code"), pk=alert_id).first()
    if alert is None:
        raise Http404(f"no alert {alert_id} in your scope")
    if alert.status not in MOVES[to]:
        raise ValidationError(f"an alert that is {alert.status} cannot become {to}")
    if not note.strip():
        raise ValidationError("note is required")
    now = timezone.now()
    line = f"[{timezone.localtime(now):%Y-%m-%d %H:%M} {user.username}, {to}] {note.strip()}"
    alert.status, alert.handled_by, alert.handled_at = to, user, now
    alert.note = f"{alert.note}\n{line}".strip()
    alert.save(update_fields=["status", "handled_by", "handled_at", "note"])
    audit.record(f"alert.{to}", alert, actor=user, note=note.strip())
    return alert
