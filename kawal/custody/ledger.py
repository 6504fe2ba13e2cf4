"""The custody ledger: appending device batches to each box's hash chain.

A batch costs the same few queries however many events it holds, most of them plain SQL
(kawal/raw_reads.py). Before the ledger's transaction it reads what the batch names that
isn't ledger state: the escorts' forces, the TPS and the regions named as places, the
operations covering the boxes with their custody rules, (only when events name escorts)
their approved plans and those plans' assignments of the escorts (custody/planned.py) and
(only for signed events) the enrolled phones that signed them, whose signatures are checked
there too. Then, still before the transaction, it works the batch out (`_draft`) from the
boxes as stored, the events it sends or corrects that are stored already and (only when
events arrived out of order or correct another) those boxes' history and alerts: each
event's chain link, the boxes' fold, the alerts raised or lapsed.

In the transaction it locks the boxes again. Where they are as the draft read them (every
append moves a box's head) the draft is written as it is; where another writer got there
first, the batch is worked out again under the lock. It writes one bulk update of boxes,
one bulk insert of alerts (after a replay, one update of the warnings that lapsed), and last
the events and the batch's audit entry, appended to the log (custody/bulk.py append()),
which takes the log's lock (custody/log.py): on PostgreSQL one statement, sent with the
transaction's COMMIT. An id that another writer stored meanwhile fails the insert, and the
batch is tried again.
Parsing (custody/payload.py), hashing, the fold and the rules (custody/judging.py) run in
memory; the raw writes are custody/bulk.py.
"""

import functools
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from kawal import batches, raw_reads
from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.scope import Scope, require_roles
from kawal.batches import ACCEPTED, DUPLICATE, REJECTED
from kawal.custody import bulk, chain, payload, planned
from kawal.custody.columns import DEVICE, named, reads
from kawal.custody.judging import DEFAULT_RULES, AlertChanges, Lookups, judge_batch, rules_for
from kawal.custody.models import Box, CustodyEvent
from kawal.custody.payload import Incoming, Rejected, check_batch, normalised, parse
from kawal.field import signatures, signers
from kawal.personnel.models import Member
from kawal.raw_reads import marks
from kawal.territory.codes import regencies_of
from kawal.territory.models import TPS, Region

WRITE_ROLES = (Role.FIELD, Role.SECTOR, Role.COMMAND, Role.ADMIN)
ATTEMPTS = 3
# From this many events a batch is worked out before its transaction (ingest).
DRAFT_FROM = 10
# An event refused while parsing: the id it was sent with, if any, and why.
Unparsed = tuple[str | None, str]
# Whether the caller may record custody of a box (its code): Scope.covers, remembered.
Covers = Callable[[str], bool]


def write_scope(user: User) -> Scope:
    """The regions where `user` may record custody: observers never may."""
    return require_roles(user, WRITE_ROLES, "your role may not record custody events")


def ingest(
    user: User, items: object, *, device: str | None = None, token: int | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Append a device's batch; answer accepted, duplicate or rejected per event, in order.

    `device` is the enrolled phone sending the batch, if one is (kawal/field): an event it
    signed must name it. `token` is the id of the API token the batch came with, stored on
    each event it adds. Raises payload.BatchError when `items` is not a JSON array of at
    most MAX_BATCH objects.
    """
    events = check_batch(items)
    # Asked of each event twice, and a batch names a handful of boxes: answered once each.
    covers = functools.cache(write_scope(user).covers)
    now = now or timezone.now()
    parsed: list[Incoming | Unparsed] = []
    for item in events:
        try:
            parsed.append(parse(item, now))
        except Rejected as exc:
            parsed.append((payload.sent_id(item), str(exc)))
    # What the batch names besides its boxes, and the signatures (the dearest check), before
    # the transaction: on SQLite it holds the database's one write lock while it lasts.
    lookups, devices = _reference([p for p in parsed if isinstance(p, Incoming)])
    parsed = [_signatures_hold(p, lookups, devices, device, covers) for p in parsed]
    sender = Sender(user, device, token)
    codes = sorted({p.box for p in parsed if isinstance(p, Incoming)})
    for attempt in range(ATTEMPTS):
        everywhere = attempt > 0
        # Worked out first from what is stored now, outside the transaction (on SQLite it
        # holds the database's one write lock; on PostgreSQL, the boxes' row locks), then
        # kept if the boxes it locks are still as they were read: every append moves a
        # box's head, and an event stored meanwhile under the same id fails the insert.
        # A batch of a few events is less work than reading its boxes twice: it is worked
        # out under the lock.
        draft = None
        if len(parsed) >= DRAFT_FROM:
            draft = _draft(sender, covers, parsed, _read(parsed, lookups, everywhere), now)
        try:
            with transaction.atomic():
                boxes = _boxes(codes, lock=True)
                if draft is None or _heads(boxes) != draft.read:
                    batch = _read(parsed, lookups, everywhere, boxes)
                    draft = _draft(sender, covers, parsed, batch, now)
                return _write(sender, draft, now)
        except (IntegrityError, OperationalError):
            # Another writer took a chain position or an id first; read again and redo,
            # this time looking for the batch's ids in every regency, not only its own.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass
class _Batch:
    boxes: dict[str, Box]
    known: dict[str, dict[str, Any]]  # stored events by id, under their device field names
    lookups: Lookups


def _reference(events: list[Incoming]) -> tuple[Lookups, dict[str, signers.Signer]]:
    """What judging the batch needs besides its boxes and its stored events: the escorts'
    forces, the places' points, the boxes' operations and rules, what the approved plans
    say of the escorts, and the enrolled phones that signed the events. None of it is
    ledger state, so it is read before the ledger's transaction, not under its locks."""
    codes = {e.box for e in events}
    nrps = {n for e in events for n in e.escorts}
    members = {
        nrp: (force, home, pk)
        for nrp, force, home, pk in raw_reads.fetch(
            f"SELECT nrp, force, region_id, id FROM {Member._meta.db_table} "
            f"WHERE nrp IN ({marks(nrps)})", list(nrps),
        )
    } if nrps else {}  # fmt: skip
    points = _points({e.place for e in events})
    signed_by = [e.device for e in events] + [c["device"] for e in events for c in e.cosignatures]
    found = rules_for(codes)
    lookups = Lookups(
        {nrp: force for nrp, (force, _, _) in members.items()}, points, found,
        planned.known(members, found),
    )  # fmt: skip
    return lookups, signers.active(signed_by)


def _points(places: set[str]) -> dict[str, tuple[float, float]]:
    """Where each place is: TPS codes hold a dash, region codes don't. A batch that names
    only one kind (a single event always does) reads only that table."""
    tps = [p for p in places if "-" in p]
    regions = [p for p in places if "-" not in p]
    points: dict[str, tuple[float, float]] = {}
    for model, codes in ((TPS, tps), (Region, regions)):
        if codes:
            rows = raw_reads.fetch(
                f"SELECT code, lat, lng FROM {model._meta.db_table} WHERE code IN ({marks(codes)})",
                codes,
            )  # fmt: skip
            points.update((code, (lat, lng)) for code, lat, lng in rows)
    return points


def _boxes(codes: list[str], *, lock: bool = False) -> dict[str, Box]:
    """The boxes of `codes` (sorted), by code; locked for the transaction with `lock`."""
    if not codes:
        return {}
    regencies = sorted(regencies_of(codes))  # the shards the batch touches: every query names them
    where = f"regency IN ({marks(regencies)}) AND code IN ({marks(codes)})"
    found = raw_reads.instances(Box, where, [*regencies, *codes], order="code", lock=lock)
    return {b.code: b for b in found}


def _heads(boxes: dict[str, Box]) -> dict[str, tuple]:
    """What a batch is worked out from on each box: its chain's head and its fold."""
    return {
        code: (b.pk, *(getattr(b, name) for name, _ in bulk.BOX_COLUMNS))
        for code, b in boxes.items()
    }


def _read(
    parsed: list[Incoming | Unparsed], lookups: Lookups, everywhere: bool,
    boxes: dict[str, Box] | None = None,
) -> _Batch:  # fmt: skip
    """The batch's boxes (unless `boxes` were read already) and the events it sends or
    corrects that are stored already. Known ids are looked for in the batch's regencies (one
    shard each on Citus); `everywhere`, after a clash, in all."""
    events = [p for p in parsed if isinstance(p, Incoming)]
    codes = sorted({e.box for e in events})
    if boxes is None:
        boxes = _boxes(codes)
    regencies = sorted(regencies_of(codes))
    ids = {e.id for e in events} | {e.corrects for e in events if e.corrects}
    if not everywhere:
        # Nearly every id is new: one plain look settles it, the full read only for the rest.
        ids = _stored_ids(ids, regencies)
    known = {}
    if ids:
        stored = CustodyEvent.objects.filter(id__in=ids)
        if not everywhere:
            stored = stored.filter(regency__in=regencies, box__regency=F("regency"))
        known = {str(row["id"]): named(row, DEVICE) for row in stored.values(*reads(DEVICE))}
    return _Batch(boxes, known, lookups)


def _stored_ids(ids: set[uuid.UUID], regencies: list[str]) -> set[uuid.UUID]:
    """Which of `ids` are stored already as events in `regencies`."""
    if not ids:
        return set()
    field = CustodyEvent._meta.pk
    assert field is not None
    found = raw_reads.fetch(
        f"SELECT id FROM {CustodyEvent._meta.db_table} "
        f"WHERE regency IN ({marks(regencies)}) AND id IN ({marks(ids)})",
        [*regencies, *raw_reads.db_values(field, ids)],
        [field],
    )
    return {row[0] for row in found}


@dataclass(frozen=True)
class Sender:
    """Who sends a batch: the user, the enrolled phone (its id) and the API token (its id)."""

    user: User
    device: str | None
    token: int | None


@dataclass
class _Draft:
    """A batch worked out: the answer per event, and what appending it writes."""

    read: dict[str, tuple]  # the boxes' heads it was worked out from (_heads)
    results: list[dict[str, Any]]
    rows: list[tuple]  # the events' INSERT rows
    boxes: list[Box]  # the boxes it touches, folded on
    changes: AlertChanges
    parameters: bulk.Parameters


def _draft(
    sender: Sender, covers: Covers, parsed: list[Incoming | Unparsed], batch: _Batch, now: datetime
) -> _Draft:
    read = _heads(batch.boxes)
    results: list[dict[str, Any]] = []
    accepted: dict[str, Incoming] = {}
    rows: list[tuple] = []
    parameters = bulk.Parameters()
    touched: dict[str, list[Incoming]] = defaultdict(list)
    for item in parsed:
        if isinstance(item, tuple):
            results.append({"id": item[0], "status": REJECTED, "error": item[1]})
            continue
        key = str(item.id)
        try:
            if _stored_before(item, batch, accepted):
                results.append({"id": key, "status": DUPLICATE})
                continue
            box = _admissible(item, batch, accepted, covers)
        except Rejected as exc:
            results.append({"id": key, "status": REJECTED, "error": str(exc)})
            continue
        rows.append(parameters.row(bulk.EVENT_COLUMNS, _chained(item, box, sender, now)))
        accepted[key] = item
        touched[box.code].append(item)
        results.append({"id": key, "status": ACCEPTED})
    changes = judge_batch(batch.boxes, touched, batch.lookups, now) if rows else AlertChanges()
    boxes = [batch.boxes[c] for c in touched]
    return _Draft(read, results, rows, boxes, changes, parameters)


def _write(sender: Sender, draft: _Draft, now: datetime) -> list[dict[str, Any]]:
    lapsed = 0
    if draft.rows:
        # The boxes and alerts first: appending to the log takes its lock, which every
        # writer waits for, and holds it to the commit (custody/log.py). The alerts' events
        # are checked at the commit (foreign keys are deferred).
        bulk.update_boxes(draft.boxes, draft.parameters)
        lapsed = draft.changes.save(now, regencies_of(b.code for b in draft.boxes))
    entry = audit.entry(
        "custody.ingest", actor=sender.user, boxes=len(draft.boxes), alerts_lapsed=lapsed,
        **batches.counts(draft.results),
    )  # fmt: skip
    # The last write: when the ledger's transaction is the outermost, it ends with it.
    bulk.append(draft.rows, entry, commit=raw_reads.outermost())
    return draft.results


def _stored_before(item: Incoming, batch: _Batch, accepted: dict[str, Incoming]) -> bool:
    """Whether the event's id is stored already (or earlier in the batch) with this content.

    Raises Rejected when the id is stored with other content.
    """
    key = str(item.id)
    earlier = batch.known.get(key)
    if earlier is not None:
        seen = normalised(earlier)
    elif key in accepted:
        seen = accepted[key].content()
    else:
        return False
    if seen != item.content():
        raise Rejected("conflict: this id is stored with other content")
    return True


def _admissible(
    item: Incoming, batch: _Batch, accepted: dict[str, Incoming], covers: Covers
) -> Box:
    box = batch.boxes.get(item.box)
    if box is None:
        raise Rejected(f"unknown box {item.box}")
    if not covers(box.code):
        raise Rejected(f"box {box.code} is outside your scope")
    # The same words whether the NRP exists in another operation or nowhere (custody/planned.py).
    unknown = [n for n in item.escorts if not batch.lookups.known.knows(n, box.code)]
    if unknown:
        raise Rejected(f"unknown escort NRP {unknown[0]}")
    if item.place not in batch.lookups.points:
        raise Rejected(f"unknown place {item.place}")
    if item.corrects:
        key = str(item.corrects)
        target = batch.known.get(key) or (vars(accepted[key]) if key in accepted else None)
        if target is None:
            raise Rejected(f"corrects {item.corrects}: no such event")
        if target["box"] != box.code:
            raise Rejected(f"corrects {item.corrects}: that event belongs to another box")
        if target["kind"] == CustodyEvent.Kind.CORRECTION:
            raise Rejected("a correction cannot correct a correction")
    return box


def _signatures_hold(
    item: Incoming | Unparsed, lookups: Lookups, devices: dict[str, signers.Signer],
    sender: str | None, covers: Covers,
) -> Incoming | Unparsed:  # fmt: skip
    """The event, if its signature and co-signatures hold or its operation lets it go
    unsigned; otherwise its rejection. A box outside the caller's scope is refused for that
    in the transaction, before anything of its operation's rules is said."""
    if isinstance(item, tuple) or not covers(item.box):
        return item
    if not item.signature and not item.cosignatures and item.device is None:
        _, custody_rules = lookups.rules.get(item.box, DEFAULT_RULES)
        if custody_rules.require_signatures:
            refusal = "this operation requires signed events: record it on an enrolled phone"
            return (str(item.id), refusal)
        return item
    try:
        signers.check(
            item.signed, str(item.device) if item.device else None, item.signature,
            item.cosignatures, devices, sender, "event",
        )  # fmt: skip
    except signatures.BadSignature as exc:
        return (str(item.id), str(exc))
    return item


def _chained(item: Incoming, box: Box, sender: Sender, now: datetime) -> dict[str, Any]:
    """The next link of the box's chain, in server append order: the event's every column
    (columns.EVENT) by name, ready for its INSERT row."""
    box.head_seq += 1
    prev_hash = box.head_hash or chain.GENESIS
    event = {**vars(item), "box": box.code, "seq": box.head_seq, "received_at": now,
             "recorded_by": sender.user.pk, "sent_with": sender.token,
             "regency": box.regency}  # fmt: skip
    box.head_hash = chain.link(prev_hash, event)
    # The chain names the box by its code; the row stores the box's id.
    return {**event, "box": box.pk, "prev_hash": prev_hash, "hash": box.head_hash}
