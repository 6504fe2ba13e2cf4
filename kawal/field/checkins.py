"""Check-ins from the field: a member at their post, idempotent per client UUID.

A batch is one transaction and is answered per item, in input order, like custody events.
A check-in is measured against its post (the assignment named, else the member's
assignment whose stage was running at the time) and flagged `far` beyond the operation's
check-in distance.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kawal import batches
from kawal.accounts import audit
from kawal.batches import ACCEPTED, DUPLICATE, REJECTED, Rejected, coordinate, device_time
from kawal.field import signatures, signers
from kawal.field.duty import operation_of, rules_of
from kawal.field.models import CheckIn, Device
from kawal.operations.models import Stage
from kawal.planning.models import Assignment, Plan
from kawal.territory.distance import km

MAX_BATCH = 1000
FIELDS = ("id", "occurred_at", "lat", "lng", "assignment", "device", "signature")



@dataclass(frozen=True)
class Incoming:
    id: uuid.UUID
    occurred_at: datetime
    lat: float
    lng: float
    assignment: int | None
    signature: str

    def same_as(self, row: CheckIn) -> bool:
        return (self.occurred_at, self.lat, self.lng) == (row.occurred_at, row.lat, row.lng) and (
            self.assignment is None or self.assignment == row.assignment_id
        )


def check_batch(items: object) -> list[dict[str, Any]]:
    return batches.check_batch(items, limit=MAX_BATCH, noun="check-in")


def _coordinate(item: dict, name: str) -> float:
    """A check-in's place is required: batches.coordinate, without the None."""
    value = coordinate(item.get(name), name)
    if value is None:
        raise Rejected(f"{name} is required: a check-in says where the member is")
    return value


def _device_id(value) -> str | None:
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise Rejected("device must be a UUID") from None


def parse(item: dict, device: Device, now: datetime) -> Incoming:
    """One check-in, checked field by field; Rejected names the first problem."""
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise Rejected(f"unknown field {unknown[0]}")
    try:
        checkin_id = uuid.UUID(str(item.get("id")))
    except ValueError:
        raise Rejected("id must be a UUID") from None
    occurred = device_time(item.get("occurred_at"), now)
    assignment = item.get("assignment")
    if assignment is not None and (isinstance(assignment, bool) or not isinstance(assignment, int)):
        raise Rejected("assignment must be an assignment id (a number)")
    sender = str(device.pk)
    signature = item.get("signature") or ""
    if not isinstance(signature, str):
        raise Rejected("signature must be a base64 string")
    try:
        signers.check(
            signatures.canonical(item), _device_id(item.get("device")), signature, [],
            {sender: signers.Signer(sender, device.public_key, "")}, sender, "check-in",
        )  # fmt: skip
    except signatures.BadSignature as exc:
        raise Rejected(str(exc)) from None
    return Incoming(
        checkin_id, occurred, _coordinate(item, "lat"), _coordinate(item, "lng"),
        assignment, signature,
    )  # fmt: skip


def ingest(device: Device, items, *, actor, now: datetime | None = None) -> list[dict]:
    """Store a device's batch of check-ins; answer accepted, duplicate or rejected per item."""
    items = check_batch(items)
    now = now or timezone.now()
    parsed: list[Incoming | tuple[str | None, str]] = []
    for item in items:
        try:
            parsed.append(parse(item, device, now))
        except Rejected as exc:
            sent_id = item.get("id") if isinstance(item.get("id"), str) else None
            parsed.append((sent_id, str(exc)))
    with transaction.atomic():
        return _store(device, parsed, actor, now)


def _store(device: Device, parsed: list, actor, now: datetime) -> list[dict]:
    operation = operation_of(device.region_id)
    rules = rules_of(operation)
    mine = _assignments(device, operation)
    known = {
        row.pk: row
        for row in CheckIn.objects.filter(id__in=[p.id for p in parsed if isinstance(p, Incoming)])
    }
    results, rows = [], []
    for item in parsed:
        if isinstance(item, tuple):
            results.append({"id": item[0], "status": REJECTED, "error": item[1]})
            continue
        key = str(item.id)
        try:
            row = known.get(item.id)
            if row is not None:
                if row.member_id != device.member_id or not item.same_as(row):
                    raise Rejected("conflict: this id is stored with other content")
                results.append({"id": key, "status": DUPLICATE})
                continue
            if rules.require_signatures and not item.signature:
                raise Rejected("this operation requires signed check-ins: sign it on the device")
            row = _row(item, device, mine, rules.checkin_distance_m, now)
        except Rejected as exc:
            results.append({"id": key, "status": REJECTED, "error": str(exc)})
            continue
        known[item.id] = row
        rows.append(row)
        results.append({"id": key, "status": ACCEPTED})
    CheckIn.objects.bulk_create(rows)
    audit.record("field.checkins", actor=actor, device=str(device.pk), **batches.counts(results))
    return results


@dataclass(frozen=True)
class _Mine:
    assignment: Assignment
    starts_at: datetime
    ends_at: datetime


def _assignments(device: Device, operation) -> dict[int, _Mine]:
    """The member's assignments in the operation's approved plan, with their stage's window."""
    if operation is None:
        return {}
    windows = {
        s.kind: (s.starts_at, s.ends_at) for s in Stage.objects.filter(operation=operation)
    }
    return {
        a.pk: _Mine(a, *windows[a.stage])
        for a in Assignment.objects.filter(
            member_id=device.member_id,
            plan__operation=operation,
            plan__status=Plan.Status.APPROVED,
        ).select_related("post")
        if a.stage in windows
    }


def _row(item: Incoming, device: Device, mine: dict, limit_m: int, now: datetime) -> CheckIn:
    if item.assignment is not None:
        if item.assignment not in mine:
            raise Rejected(
                f"assignment {item.assignment} is not yours in the approved plan"
            )
        chosen = mine[item.assignment].assignment
    else:
        running = [m for m in mine.values() if m.starts_at <= item.occurred_at < m.ends_at]
        chosen = min(
            (m.assignment for m in running),
            key=lambda a: km(item.lat, item.lng, a.post.lat, a.post.lng),
            default=None,
        )
    distance = (
        round(km(item.lat, item.lng, chosen.post.lat, chosen.post.lng) * 1000) if chosen else None
    )
    return CheckIn(
        id=item.id, member_id=device.member_id, device=device, assignment=chosen,
        post=chosen.post if chosen else None, stage=chosen.stage if chosen else "",
        occurred_at=item.occurred_at, received_at=now, lat=item.lat, lng=item.lng,
        distance_m=distance, far=distance is not None and distance > limit_m,
        signature=item.signature,
    )  # fmt: skip
