"""The custody ledger: appending device batches to each box's hash chain.

A batch costs the same few queries however many events it holds: lock the boxes, read the
known ids, read the escorts, places and rules it names, (only when events arrived out of
order) read those boxes' history and standing alerts, then one bulk insert of events, one
bulk update of boxes, one bulk insert of alerts (after a replay, an update of the alerts
that lapsed) and one audit entry. Parsing, hashing, the fold and the rules run
in memory between them.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.scope import Scope, require_roles
from kawal.custody import chain, rules, states
from kawal.custody.models import Alert, Box, CustodyEvent
from kawal.operations.models import CustodyRules, Operation
from kawal.personnel.models import Member
from kawal.territory.codes import REGION_CODE, TPS_CODE
from kawal.territory.models import TPS, Region

MAX_BATCH = 1000
WRITE_ROLES = (Role.FIELD, Role.SECTOR, Role.COMMAND, Role.ADMIN)
# What a device sends; stored under the same names, but for the two foreign keys.
DEVICE_FIELDS = (
    "id", "box", "kind", "occurred_at", "place", "lat", "lng", "from_party", "to_party",
    "escorts", "seals", "document", "note", "corrects",
)  # fmt: skip
STORED_AS = {"box": "box__code", "corrects": "corrects_id"}
DEVICE_COLUMNS = tuple(STORED_AS.get(f, f) for f in DEVICE_FIELDS)
TEXT_LIMITS = {"from_party": 120, "to_party": 120, "document": 80, "note": 2000}
# A device clock may run a little fast; further ahead than this is a wrong clock.
CLOCK_SKEW = timedelta(minutes=15)
ATTEMPTS = 3

KINDS = frozenset(CustodyEvent.Kind.values)
ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"


class BatchError(ValueError):
    """The body as a whole is unusable; nothing of it is stored."""


class Rejected(ValueError):
    """One event is unusable; the rest of its batch goes on."""


@dataclass
class Incoming:
    id: uuid.UUID
    box: str
    kind: str
    occurred_at: datetime
    place: str
    lat: float | None = None
    lng: float | None = None
    from_party: str = ""
    to_party: str = ""
    escorts: list[str] = field(default_factory=list)
    seals: list[str] = field(default_factory=list)
    document: str = ""
    note: str = ""
    corrects: uuid.UUID | None = None

    def content(self) -> dict:
        """What the device said, normalised: two sends of one event compare equal."""
        return _normalised({f: getattr(self, f) for f in DEVICE_FIELDS})


def _normalised(content: dict) -> dict:
    return {
        **content,
        "id": str(content["id"]),
        "occurred_at": chain.instant(content["occurred_at"]),
        "escorts": list(content["escorts"]),
        "seals": list(content["seals"]),
        "corrects": str(content["corrects"]) if content["corrects"] else None,
    }


def check_batch(items) -> list:
    """A batch is a JSON array of at most MAX_BATCH objects."""
    if not isinstance(items, list):
        raise BatchError("the body must be a JSON array of events")
    if len(items) > MAX_BATCH:
        raise BatchError(f"a batch holds at most {MAX_BATCH} events, not {len(items)}")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BatchError(f"event [{i}] must be a JSON object")
    return items


def _uuid(value, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Rejected(f"{name} must be a UUID") from None


def _text(item: dict, name: str) -> str:
    value = item.get(name) or ""
    if not isinstance(value, str):
        raise Rejected(f"{name} must be a string")
    if len(value) > TEXT_LIMITS[name]:
        raise Rejected(f"{name} is longer than {TEXT_LIMITS[name]} characters")
    return value


def _strings(item: dict, name: str) -> list[str]:
    value = item.get(name) or []
    if not isinstance(value, list) or not all(
        isinstance(v, str) and 0 < len(v) <= 40 for v in value
    ):
        raise Rejected(f"{name} must be a list of strings")
    if len(set(value)) != len(value):
        raise Rejected(f"{name} lists the same value twice")
    return value


def _coordinate(item: dict, name: str, limit: float) -> float | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > limit:
        raise Rejected(f"{name} must be a number between -{limit:g} and {limit:g}")
    return float(value)


def parse(item: dict, now: datetime) -> Incoming:
    """One event of a batch, checked field by field; Rejected names the first problem."""
    unknown = sorted(set(item) - set(DEVICE_FIELDS))
    if unknown:
        raise Rejected(f"unknown field {unknown[0]}")
    for name in ("id", "box", "kind", "occurred_at", "place"):
        if item.get(name) in (None, ""):
            raise Rejected(f"{name} is required")
    event_id = _uuid(item["id"], "id")
    if not isinstance(item["box"], str):
        raise Rejected("box must be a box code")
    if item["kind"] not in KINDS:
        raise Rejected(f"kind {item['kind']!r} is not one of {', '.join(CustodyEvent.Kind.values)}")
    raw_time = item["occurred_at"]
    occurred_at = parse_datetime(raw_time) if isinstance(raw_time, str) else None
    if occurred_at is None:
        raise Rejected("occurred_at must be an ISO-8601 time")
    if occurred_at.tzinfo is None:
        raise Rejected("occurred_at has no UTC offset: send e.g. 2024-11-27T13:05:00+07:00")
    if occurred_at > now + CLOCK_SKEW:
        raise Rejected("occurred_at is in the future: check the device clock")
    place = item["place"]
    if not isinstance(place, str) or not (REGION_CODE.match(place) or TPS_CODE.match(place)):
        raise Rejected("place must be a region or TPS code")
    lat, lng = _coordinate(item, "lat", 90), _coordinate(item, "lng", 180)
    if (lat is None) != (lng is None):
        raise Rejected("lat and lng come together")
    kind = item["kind"]
    corrects = _uuid(item["corrects"], "corrects") if item.get("corrects") else None
    if (kind == CustodyEvent.Kind.CORRECTION) != (corrects is not None):
        raise Rejected("a correction, and only a correction, names the event it corrects")
    return Incoming(
        id=event_id,
        box=item["box"],
        kind=kind,
        occurred_at=occurred_at,
        place=place,
        lat=lat,
        lng=lng,
        from_party=_text(item, "from_party"),
        to_party=_text(item, "to_party"),
        escorts=_strings(item, "escorts"),
        seals=_strings(item, "seals"),
        document=_text(item, "document"),
        note=_text(item, "note"),
        corrects=corrects,
    )


def stored_content(row: dict) -> dict:
    """The device's part of a stored event (a `.values(*DEVICE_COLUMNS)` row), normalised."""
    return _normalised({f: row[STORED_AS.get(f, f)] for f in DEVICE_FIELDS})


def write_scope(user) -> Scope:
    """The regions where `user` may record custody: observers never may."""
    return require_roles(user, WRITE_ROLES, "your role may not record custody events")


def folded_of(box: Box) -> states.Folded:
    return states.Folded(
        state=box.state,
        stop=box.stop,
        seals=tuple(box.seals),
        expected_by=box.expected_by,
        last_occurred_at=box.last_occurred_at,
    )


def rules_for(codes) -> dict[str, tuple[rules.Config, CustodyRules]]:
    """Each regency's custody rules, by regency code: the latest operation's, else defaults."""
    found: dict[str, tuple[rules.Config, CustodyRules]] = {}
    regencies = {c[:5] for c in codes}
    for operation in (
        Operation.objects.filter(region_id__in=regencies)
        .select_related("custody_rules")
        .order_by("starts_at")
    ):
        config = getattr(operation, "custody_rules", None) or CustodyRules(operation=operation)
        found[operation.region_id] = (
            rules.Config(config.require_joint_escort, config.max_distance_km),
            config,
        )
    return found


DEFAULT_RULES = (rules.Config(), CustodyRules())


def ingest(user, items: list[dict], *, now: datetime | None = None) -> list[dict]:
    """Append a device's batch; answer accepted, duplicate or rejected per event, in order."""
    items = check_batch(items)
    scope = write_scope(user)
    now = now or timezone.now()
    parsed: list[Incoming | tuple[str | None, str]] = []
    for item in items:
        try:
            parsed.append(parse(item, now))
        except Rejected as exc:
            sent_id = item.get("id") if isinstance(item.get("id"), str) else None
            parsed.append((sent_id, str(exc)))
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _append(user, scope, parsed, now)
        except (IntegrityError, OperationalError):
            # Another writer took a chain position or an id first; read again and redo.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass
class _Batch:
    boxes: dict[str, Box]
    known: dict[str, dict]
    forces: dict[str, str]
    points: dict[str, tuple[float, float]]
    places: set[str]


def _read(parsed: list) -> _Batch:
    events = [p for p in parsed if isinstance(p, Incoming)]
    codes = {e.box for e in events}
    boxes = {
        b.code: b for b in Box.objects.select_for_update().filter(code__in=codes).order_by("code")
    }
    ids = {e.id for e in events} | {e.corrects for e in events if e.corrects}
    known = {
        str(row["id"]): row
        for row in CustodyEvent.objects.filter(id__in=ids).values(*DEVICE_COLUMNS)
    }
    nrps = {n for e in events for n in e.escorts}
    forces = dict(Member.objects.filter(nrp__in=nrps).values_list("nrp", "force")) if nrps else {}
    place_codes = {e.place for e in events}
    points = {
        code: (lat, lng)
        for code, lat, lng in TPS.objects.filter(
            code__in=[p for p in place_codes if "-" in p]
        ).values_list("code", "lat", "lng")
    }
    points.update(
        (code, (lat, lng))
        for code, lat, lng in Region.objects.filter(
            code__in=[p for p in place_codes if "-" not in p]
        ).values_list("code", "lat", "lng")
    )
    return _Batch(boxes, known, forces, points, set(points))


def _append(user, scope: Scope, parsed: list, now: datetime) -> list[dict]:
    batch = _read(parsed)
    results: list[dict] = []
    accepted: dict[str, Incoming] = {}
    rows: list[tuple] = []
    adapt = _Adapt(connections[DEFAULT_DB_ALIAS])
    adapt.now = adapt.time(now)
    touched: dict[str, list[Incoming]] = defaultdict(list)
    for item in parsed:
        if isinstance(item, tuple):
            results.append({"id": item[0], "status": REJECTED, "error": item[1]})
            continue
        key = str(item.id)
        earlier = batch.known.get(key)
        seen = (
            stored_content(earlier)
            if earlier
            else (accepted[key].content() if key in accepted else None)
        )
        if seen is not None:
            if seen == item.content():
                results.append({"id": key, "status": DUPLICATE})
            else:
                results.append(
                    {
                        "id": key,
                        "status": REJECTED,
                        "error": "conflict: this id is stored with other content",
                    }
                )
            continue
        try:
            box = _admissible(item, batch, accepted, scope)
        except Rejected as exc:
            results.append({"id": key, "status": REJECTED, "error": str(exc)})
            continue
        rows.append(_chained(item, box, user, now, adapt))
        accepted[key] = item
        touched[box.code].append(item)
        results.append({"id": key, "status": ACCEPTED})
    lapsed = 0
    if rows:
        judged = _refold(batch, touched, now)
        _insert_events(rows)
        _update_boxes([batch.boxes[c] for c in touched], adapt)
        Alert.objects.bulk_create(judged.new)
        for note, ids in judged.lapsed.items():
            lapsed += Alert.objects.filter(pk__in=ids).update(
                status=Alert.Status.RESOLVED, note=Concat(F("note"), Value("\n" + note)),
                handled_at=now,
            )  # fmt: skip
    counts = {
        s: sum(1 for r in results if r["status"] == s) for s in (ACCEPTED, DUPLICATE, REJECTED)
    }
    audit.record("custody.ingest", actor=user, boxes=len(touched), alerts_lapsed=lapsed, **counts)
    return results


EVENT_COLUMNS = (
    "id", "box_id", "seq", "kind", "occurred_at", "received_at", "place", "lat", "lng",
    "from_party", "to_party", "escorts", "seals", "document", "note", "corrects_id",
    "recorded_by_id", "prev_hash", "hash",
)  # fmt: skip
BOX_COLUMNS = (
    "state", "stop", "seals", "expected_by", "last_occurred_at", "head_seq", "head_hash",
)  # fmt: skip


class _Adapt:
    """Python values to this database's parameters, as Django's fields would make them.

    The hot path builds plain parameter rows instead of model instances: on election night
    a batch of 500 events would otherwise spend most of its time in per-field preparation.
    """

    def __init__(self, db):
        ops = db.ops
        native_uuid = db.features.has_native_uuid_field
        self.uuid = (lambda v: v) if native_uuid else (lambda v: v.hex if v else None)
        self.time = ops.adapt_datetimefield_value
        self.json = lambda v: ops.adapt_json_value(v, None)
        self.now: object = None  # the batch's received_at, adapted once


def _write(sql: str, rows: list[tuple], *, pg_types: tuple[str, ...], pg_sql: str) -> None:
    """Run `sql` for every row. On PostgreSQL, run `pg_sql` once over the rows as arrays
    (`unnest(%s::type[], …)`): one round trip and 19 parameters instead of hundreds of
    statements. SQLite runs in process, where executemany of one statement is cheapest."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in pg_types)
            cursor.execute(pg_sql.format(arrays=arrays), [list(c) for c in zip(*rows, strict=True)])
        else:
            cursor.executemany(sql, rows)


EVENT_TYPES = (
    "uuid", "bigint", "integer", "varchar", "timestamptz", "timestamptz", "varchar", "float8",
    "float8", "varchar", "varchar", "jsonb", "jsonb", "varchar", "text", "uuid", "integer",
    "varchar", "varchar",
)  # fmt: skip
BOX_TYPES = ("varchar", "varchar", "jsonb", "timestamptz", "timestamptz", "integer", "varchar",
             "bigint")  # fmt: skip


def _insert_events(rows: list[tuple]) -> None:
    """One INSERT for the batch's events (bulk_create would split it on SQLite)."""
    table, columns = CustodyEvent._meta.db_table, ", ".join(EVENT_COLUMNS)
    marks = ", ".join(["%s"] * len(EVENT_COLUMNS))
    _write(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})",
        rows,
        pg_types=EVENT_TYPES,
        pg_sql=f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({{arrays}})",
    )


def _update_boxes(boxes: list[Box], adapt: _Adapt) -> None:
    """One UPDATE for the batch's boxes: their fold and their chain's head."""
    table = Box._meta.db_table
    assignments = ", ".join(f"{c} = %s" for c in BOX_COLUMNS)
    _write(
        f"UPDATE {table} SET {assignments} WHERE id = %s",
        [
            (
                b.state,
                b.stop,
                adapt.json(b.seals),
                adapt.time(b.expected_by),
                adapt.time(b.last_occurred_at),
                b.head_seq,
                b.head_hash,
                b.pk,
            )
            for b in boxes
        ],
        pg_types=BOX_TYPES,
        pg_sql=(
            f"UPDATE {table} AS b SET {', '.join(f'{c} = v.{c}' for c in BOX_COLUMNS)} "
            f"FROM unnest({{arrays}}) AS v({', '.join(BOX_COLUMNS)}, id) WHERE b.id = v.id"
        ),
    )


def _admissible(item: Incoming, batch: _Batch, accepted: dict, scope: Scope) -> Box:
    box = batch.boxes.get(item.box)
    if box is None:
        raise Rejected(f"unknown box {item.box}")
    if not scope.covers(box.code):
        raise Rejected(f"box {box.code} is outside your scope")
    unknown = [n for n in item.escorts if n not in batch.forces]
    if unknown:
        raise Rejected(f"unknown escort NRP {unknown[0]}")
    if item.place not in batch.places:
        raise Rejected(f"unknown place {item.place}")
    if item.corrects:
        target = batch.known.get(str(item.corrects))
        target_box, target_kind = (
            (target["box__code"], target["kind"])
            if target
            else (accepted[str(item.corrects)].box, accepted[str(item.corrects)].kind)
            if str(item.corrects) in accepted
            else (None, None)
        )
        if target_box is None:
            raise Rejected(f"corrects {item.corrects}: no such event")
        if target_box != box.code:
            raise Rejected(f"corrects {item.corrects}: that event belongs to another box")
        if target_kind == CustodyEvent.Kind.CORRECTION:
            raise Rejected("a correction cannot correct a correction")
    return box


def _chained(item: Incoming, box: Box, user, now: datetime, adapt: _Adapt) -> tuple:
    """The next link of the box's chain, in server append order, as an INSERT row."""
    box.head_seq += 1
    prev_hash = box.head_hash or chain.GENESIS
    content = {
        "id": item.id, "box": box.code, "seq": box.head_seq, "kind": item.kind,
        "occurred_at": item.occurred_at, "received_at": now, "place": item.place,
        "lat": item.lat, "lng": item.lng, "from_party": item.from_party,
        "to_party": item.to_party, "escorts": item.escorts, "seals": item.seals,
        "document": item.document, "note": item.note, "corrects": item.corrects,
        "recorded_by": user.pk,
    }  # fmt: skip
    box.head_hash = chain.link(prev_hash, content)
    return (
        adapt.uuid(item.id), box.pk, box.head_seq, item.kind, adapt.time(item.occurred_at),
        adapt.now, item.place, item.lat, item.lng, item.from_party, item.to_party,
        adapt.json(item.escorts), adapt.json(item.seals), item.document, item.note,
        adapt.uuid(item.corrects), user.pk, prev_hash, box.head_hash,
    )  # fmt: skip


def _fact(item) -> states.Fact:
    return states.Fact(
        id=str(item.id),
        kind=item.kind,
        occurred_at=item.occurred_at,
        place=item.place,
        seals=tuple(item.seals),
        corrects=str(item.corrects) if item.corrects else None,
    )


def _history(codes: list[str]) -> dict[str, list[states.Fact]]:
    history: dict[str, list[states.Fact]] = defaultdict(list)
    if codes:
        for row in CustodyEvent.objects.filter(box__code__in=codes).values(
            "id", "box__code", "kind", "occurred_at", "place", "seals", "corrects_id"
        ):
            history[row["box__code"]].append(
                states.Fact(
                    id=str(row["id"]),
                    kind=row["kind"],
                    occurred_at=row["occurred_at"],
                    place=row["place"],
                    seals=tuple(row["seals"]),
                    corrects=str(row["corrects_id"]) if row["corrects_id"] else None,
                )
            )
    return history


@dataclass
class _Judged:
    new: list[Alert] = field(default_factory=list)
    # Open alerts that no longer hold, with why: resolved by the ledger itself.
    lapsed: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _refold(batch: _Batch, touched: dict[str, list[Incoming]], now: datetime) -> _Judged:
    """Move each touched box's state on, and judge its new events against the rules.

    In order, a box folds on from its stored state. When events land before others in time,
    or a correction retracts one, the box is folded again from its whole history, and the
    rules that depend on order are judged again over it.
    """
    replay = [
        code
        for code, new in touched.items()
        if any(i.corrects for i in new)
        or (
            batch.boxes[code].last_occurred_at is not None
            and min(i.occurred_at for i in new) <= batch.boxes[code].last_occurred_at
        )
    ]
    history = _history(replay)
    standing = _standing_alerts(replay)
    configs = rules_for(touched)
    judged = _Judged()
    for code, new in touched.items():
        box = batch.boxes[code]
        config, custody_rules = configs.get(code[:5], DEFAULT_RULES)
        legs = custody_rules.legs_for(code)
        if code in replay:
            facts = [*history[code], *map(_fact, new)]
            steps = states.fold(facts, legs)
            result = states.final(steps)
            _rejudge(box, facts, steps, {str(i.id) for i in new}, standing[code], judged, now)
        else:
            start = folded_of(box)
            steps = states.fold(map(_fact, new), legs, start)
            result = states.final(steps, start)
        box.state, box.stop, box.seals = result.state, result.stop, list(result.seals)
        box.expected_by, box.last_occurred_at = result.expected_by, result.last_occurred_at
        new_items = {str(i.id): i for i in new}
        for s in steps:
            item = new_items.get(s.fact.id)
            if item is None:
                continue
            position = (item.lat, item.lng) if item.lat is not None else None
            forces = [batch.forces[n] for n in item.escorts]
            for finding in rules.judge(
                s, code, forces, position, batch.points.get(item.place), config
            ):
                judged.new.append(_alert(box, item.id, finding, now))
    return judged


def _alert(box: Box, event_id, finding: rules.Finding, now: datetime) -> Alert:
    return Alert(
        box=box, event_id=event_id, rule=finding.rule, severity=finding.severity,
        message=finding.message, raised_at=now,
    )  # fmt: skip


def _standing_alerts(codes: list[str]) -> dict[str, list[dict]]:
    """Alerts not yet resolved on the boxes about to be folded again."""
    standing: dict[str, list[dict]] = defaultdict(list)
    if codes:
        for row in (
            Alert.objects.filter(box__code__in=codes)
            .exclude(status=Alert.Status.RESOLVED)
            .values("id", "box__code", "event_id", "rule")
        ):
            standing[row["box__code"]].append(row)
    return standing


RETRACTED = "resolved by the ledger: the event was corrected"
REORDERED = "resolved by the ledger: no longer holds with late events in their place"


def _rejudge(box, facts, steps, new_ids, standing, judged: _Judged, now: datetime) -> None:
    """Raise the order-dependent findings a replay reveals; lapse those it no longer shows."""
    folded = {s.fact.id for s in steps}
    corrections = {f.id for f in facts if f.kind == CustodyEvent.Kind.CORRECTION}
    holds = {(s.fact.id, finding.rule): finding for s in steps for finding in rules.ordered(s)}
    raised = {(str(a["event_id"]), a["rule"]) for a in standing}
    for (event_id, rule), finding in holds.items():
        if event_id not in new_ids and (event_id, rule) not in raised:
            judged.new.append(_alert(box, uuid.UUID(event_id), finding, now))
    for a in standing:
        event_id = str(a["event_id"]) if a["event_id"] else None
        if event_id is None or event_id in new_ids:
            continue
        if event_id not in folded and event_id not in corrections:
            judged.lapsed[RETRACTED].append(a["id"])
        elif a["rule"] in rules.ORDERED and (event_id, a["rule"]) not in holds:
            judged.lapsed[REORDERED].append(a["id"])
