"""The audit log: one entry per action, written where the action happens, by whom.

Each service calls `record(action, target, actor=user, **details)` once, in the transaction
that makes the change, as pretix's `log_action` does. The actor is always named: `None`
only for the system itself (a command run with no user, the demo loader). Nothing is
recorded by model signal, so one action is one entry. Logins, logouts and failed logins are
recorded from Django's auth signals (`connect()`); admin writes by `AuditedAdmin`.

Entries are hash-chained in log order like a box's custody events (`hash = sha256(prev_hash
+ canonical JSON)`, custody/chain.py and custody/log.py), take their place in the Merkle log
that checkpoints sign, and the database refuses to change them (custody/append_only.py).
"""

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from kawal import raw_reads
from kawal.accounts.models import AuditEntry
from kawal.custody import chain, log

Actor = AbstractBaseUser | AnonymousUser | None
# Where a target lies: the first of these attribute paths it has, read as a region code.
REGION_PATHS = (
    ("region_id",),
    ("box", "code"),
    ("tps", "code"),
    ("post", "district_id"),
    ("operation", "region_id"),
    ("member", "region_id"),
    ("device", "region_id"),
    ("plan", "operation", "region_id"),
)
CODED = ("territory.Region", "territory.TPS", "custody.Box")  # their code is their place


def region_of(target: models.Model | None) -> str:
    """The region code `target` lies in, or "" if it lies in none."""
    if target is None:
        return ""
    if target._meta.label in CODED:
        return str(getattr(target, "code", ""))
    for path in REGION_PATHS:
        value: Any = target
        for name in path:
            value = getattr(value, name, None)
            if value is None:
                break
        if isinstance(value, str) and value:
            return value
    return ""


@functools.cache
def _head_sql(vendor: str, sized: bool) -> str:
    """One statement for what a new entry links to: the chain's last hash and the id the
    entry gets (its hash covers it, so it is known before the insert), and, `sized`, the
    log's size (its position). Run under the log's lock, so no one else inserts meanwhile:
    on PostgreSQL, `sized`, the statement takes it (custody/log.py's head function)."""
    table = AuditEntry._meta.db_table
    if vendor == "postgresql":
        if sized:
            return f"SELECT head.audit_hash, {_NEXT_ID}, head.size FROM {log.HEAD}() AS head"
        return f"SELECT {log.AUDIT_HEAD_SQL}, {_NEXT_ID}"
    # AUTOINCREMENT: sqlite_sequence holds the largest id ever given, deleted or not
    # (and is empty before the first insert).
    next_id = (
        "max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"coalesce((SELECT max(id) FROM {table}), 0)) + 1"
    )
    return f"SELECT {log.AUDIT_HEAD_SQL}, {next_id}" + (f", {log.SIZE_SQL}" if sized else "")


_NEXT_ID = "nextval(pg_get_serial_sequence(%s, 'id'))"


def _head(position: int | None) -> tuple[str | None, int, int]:
    """The chain's last hash (None before the first entry), the next id, and the entry's
    position: `position` when the caller took it, else the log's size, under its lock."""
    with connection.cursor() as cursor:
        cursor.execute(_head_sql(connection.vendor, position is None), [AuditEntry._meta.db_table])
        row = cursor.fetchone()
    return row[0], int(row[1]), int(row[2]) if position is None else position


def _stored(value: Any) -> Any:
    """`value` as both databases give it back: PostgreSQL's jsonb has no -0.0 and reads a
    whole float too large for a plain decimal (1e+20) back as an integer, and no database
    stores NUL or a lone surrogate (custody/payload.UNSTORABLE)."""
    from kawal.custody.payload import UNSTORABLE

    if isinstance(value, float):
        value += 0.0
        return int(value) if value.is_integer() and abs(value) >= 1e16 else value
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_stored(v) for v in value]
    if isinstance(value, dict):
        return {_stored(k): _stored(v) for k, v in value.items()}
    return value


def _plain(details: dict[str, object]) -> dict[str, Any]:
    """The details as the JSON column will give them back, so the hash matches what is read."""
    return _stored(json.loads(json.dumps(details, allow_nan=False, default=str)))


def entry(
    action: str,
    target: models.Model | None = None,
    /,
    *,
    actor: Actor,
    region: str = "",
    **details: object,
) -> AuditEntry:
    """A new entry, not yet written: `actor` did `action` to `target` (in `region`, else the
    target's). Its id, its place in the log and its chain link are given as it is appended."""
    who = actor.pk if actor is not None and actor.is_authenticated else None
    return AuditEntry(
        at=timezone.now(),
        actor_id=who,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=_plain(details),
        region=region or region_of(target),
    )


def record(
    action: str,
    target: models.Model | None = None,
    /,
    *,
    actor: Actor,
    region: str = "",
    **details: object,
) -> AuditEntry:
    """Append one entry: `actor` did `action` to `target` (in `region`, else the target's)."""
    return append(entry(action, target, actor=actor, region=region, **details))


def append(new: AuditEntry, position: int | None = None) -> AuditEntry:
    """Append `new` (entry()) to the log, linked to the audit chain's last entry.

    `position` is its place in the log when the caller has taken it already, in this
    transaction, which then holds the log's lock: the position after those it numbered
    from `log.next_position()`. Without it the entry takes the lock and the next place."""
    # No savepoint: an entry that fails to insert fails the action's whole transaction, which
    # then holds the log's lock until it ends.
    with transaction.atomic(savepoint=False):
        last, new.id, new.position = _head(position)
        new.prev_hash = last or chain.GENESIS
        new.hash = chain.linked(new.prev_hash, log.audit_canonical(vars(new)))
        _insert(new)
    return new


def next_id() -> int:
    """The id an entry appended next by this transaction takes (PostgreSQL's sequence)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_NEXT_ID}", [AuditEntry._meta.db_table])
        return int(cursor.fetchone()[0])


# An entry's columns that appending it fills in: its place in the log and its chain link.
_LINK = ("position", "prev_hash", "hash")


def linked_parameters(new: AuditEntry, offset: int) -> list[Any]:
    """The parameters of insert_linked_sql() for `new` (its id given, next_id()), at the
    position `offset` past the log's size."""
    return [*_prepared(new, _unlinked()), offset, log.audit_canonical(vars(new))]


def as_stored(new: AuditEntry, position: int, prev_hash: str, hash: str) -> None:
    """`new` as the database stored it: its place in the log and its chain link."""
    new.position, new.prev_hash, new.hash = position, prev_hash, hash
    _saved(new)


@functools.cache
def _unlinked() -> list[models.Field]:
    return [f for f in AuditEntry._meta.concrete_fields if f.name not in _LINK]


@functools.cache
def insert_linked_sql(head: str) -> str:
    """PostgreSQL: an INSERT of an entry (linked_parameters()) for a WITH clause after
    `head`, a query of the log's size and the audit chain's last hash (custody/log.py's head
    function). The entry takes the position its offset past that size and links to that
    hash, its own hash computed in the statement as chain.linked computes it; the INSERT
    returns its position, prev_hash and hash."""
    fields = _unlinked()
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    prev = f"coalesce({head}.audit_hash, '{chain.GENESIS}')"
    return (
        f"INSERT INTO {AuditEntry._meta.db_table} ({columns}, {', '.join(_LINK)}) "
        f"SELECT {', '.join(f'%s::{f.db_type(connection)}' for f in fields)}, "
        f"{head}.size + %s, {prev}, "
        f"encode(sha256(convert_to({prev} || %s::text, 'UTF8')), 'hex') FROM {head} "
        "RETURNING position, prev_hash, hash"
    )


@functools.cache
def _insert_sql(vendor: str) -> str:
    fields = AuditEntry._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    return f"INSERT INTO {AuditEntry._meta.db_table} ({columns}) VALUES ({raw_reads.marks(fields)})"


def _insert(entry: AuditEntry) -> None:
    """The entry's INSERT, its values prepared for the database as the ORM's save would."""
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(connection.vendor), _prepared(entry, AuditEntry._meta.concrete_fields)
        )  # fmt: skip
    _saved(entry)


def _prepared(entry: AuditEntry, fields: Sequence[models.Field]) -> list[Any]:
    """`entry`'s values of `fields` as query parameters, prepared as the ORM's save would."""
    return [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]


def _saved(entry: AuditEntry) -> None:
    """`entry` as an instance the ORM read or saved: stored in this database."""
    entry._state.adding = False
    entry._state.db = connection.alias


@dataclass
class Broken:
    entry: int  # its id
    position: int
    problem: str


def verify() -> list[Broken]:
    """Recompute the audit log's chain from its first entry, naming every problem: an entry
    whose content no longer matches its hash, or whose link to the one before is broken."""
    broken = []
    prev = chain.GENESIS
    rows = AuditEntry.objects.order_by("position").values(
        "position", "prev_hash", "hash", *log.AUDIT_FIELDS
    )
    for row in rows.iterator(chunk_size=5000):
        if chain.linked(row["prev_hash"], log.audit_canonical(row)) != row["hash"]:
            broken.append(Broken(row["id"], row["position"], "content does not match its hash"))
        if row["prev_hash"] != prev:
            broken.append(
                Broken(row["id"], row["position"], "prev_hash is not the hash of the entry before")
            )
        prev = row["hash"]
    return broken


class _Client(TypedDict, total=False):
    ip: str


def _client(request: HttpRequest | None) -> _Client:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", "")}


def _logged_in(sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kw: object) -> None:
    record("login", user, actor=user, **_client(request))


def _logged_out(sender: object, request: HttpRequest | None, user: Actor, **kw: object) -> None:
    if user is not None and user.is_authenticated:
        record("logout", user, actor=user, **_client(request))


def _login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: object
) -> None:
    # Django has already masked the password in `credentials`; only the name is kept.
    record("login.failed", actor=None, username=str(credentials.get("username", ""))[:150],
           **_client(request))  # fmt: skip


def connect() -> None:
    """Record sign-ins and sign-outs: auth events, not writes to a model."""
    user_logged_in.connect(_logged_in, dispatch_uid="kawal_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="kawal_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="kawal_audit_login_failed")
