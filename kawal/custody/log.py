"""The Merkle log: every custody event and audit entry, in the order they were committed.

Each event and each audit entry takes the next position when it is written, under one lock
that its transaction then holds until it ends: on PostgreSQL an advisory lock, on SQLite
the database's one writer (Kawal begins every write transaction IMMEDIATE). So positions
follow commit order without gaps, and the tree over the first n positions never changes
once they are committed. Checkpoints (custody/checkpoints.py) sign its head.

A leaf is what its row commits to, recomputed from what is stored now:
- an event: its chain hash, `chain.link(prev_hash, event)`, as 32 bytes;
- an audit entry: the SHA-256 of its canonical JSON (`audit_canonical()`). Its link in the
  audit log's own hash chain (accounts/audit.py) hashes the same JSON after the link before
  it; the leaf leaves the link out, so checkpoints signed before the chain still hold.
The tree hashes each as an RFC 9162 leaf (custody/merkle.py).
"""

import hashlib
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from kawal.accounts.models import AuditEntry
from kawal.custody import chain, merkle, stored
from kawal.custody.columns import instant
from kawal.custody.models import CustodyEvent

LOCK = 0x6B6177616C  # "kawal": PostgreSQL's advisory lock on the log's positions
AUDIT_FIELDS = (
    "id", "at", "actor_id", "action", "target_type", "target_id", "details", "region",
)  # fmt: skip


def hold() -> None:
    """Take the log's lock, until this transaction ends: no one else appends meanwhile."""
    if not connection.in_atomic_block:
        raise RuntimeError("the log's lock is taken inside the transaction that needs it")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def next_position() -> int:
    """Where the rows this transaction inserts next begin in the log, one position each.
    Holds the log's lock until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT size FROM {HEAD}()")
            return int(cursor.fetchone()[0])
    hold()
    return size()


# How many leaves the log holds, as an SQL expression (accounts/audit.py reads it in the
# same statement as the audit chain's head).
SIZE_SQL = (
    f"(SELECT coalesce(max(p) + 1, 0) FROM (SELECT max(position) AS p FROM "
    f"{CustodyEvent._meta.db_table} UNION ALL SELECT max(position) FROM "
    f"{AuditEntry._meta.db_table}) AS tops)"
)
# The audit chain's last hash (NULL before the first entry), as an SQL expression.
AUDIT_HEAD_SQL = f"(SELECT hash FROM {AuditEntry._meta.db_table} ORDER BY position DESC LIMIT 1)"
# PostgreSQL's function that takes the log's lock and then reads the log's size and the
# audit chain's last hash (None before the first entry). A statement that appends to the
# log reads them through it: a volatile function's every query takes its own snapshot, so
# these are read after the lock is taken and see what the writer before committed, where
# the statement's own snapshot, taken before it waited, would not. Taking the lock and
# writing in one statement leaves no round trip to the database, and no preparing of the
# statement's parameters, inside the lock that every writer waits for.
HEAD = "kawal_log_head"
_HEAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {HEAD}(OUT size bigint, OUT audit_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK});
    size := {SIZE_SQL};
    audit_hash := {AUDIT_HEAD_SQL};
END $$
"""


def install() -> None:
    """Create (or update) the log's head function on PostgreSQL, after every migrate (apps.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_HEAD_FUNCTION)


def size() -> int:
    """How many leaves the log holds: one past its last position."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {SIZE_SQL}")
        (count,) = cursor.fetchone()
    return int(count)


@dataclass(frozen=True)
class Entry:
    position: int
    leaf: bytes  # its RFC 9162 leaf hash
    what: str  # how a person finds it: the event and its chain place, or the audit entry


def event_leaf(event: dict[str, Any]) -> bytes:
    """The leaf of an event (every column of columns.EVENT, by name): its chain hash."""
    return merkle.leaf_hash(bytes.fromhex(chain.link(event["prev_hash"], event)))


def audit_canonical(entry: dict[str, Any]) -> str:
    """An audit entry (AUDIT_FIELDS, by name) as canonical JSON; its region only when it has
    one, so that entries written before entries had regions keep their leaves."""
    body = {
        "id": entry["id"],
        "at": instant(entry["at"]),
        "actor": entry["actor_id"],
        "action": entry["action"],
        "target_type": entry["target_type"],
        "target_id": entry["target_id"],
        "details": entry["details"],
    }
    if entry.get("region"):
        body["region"] = entry["region"]
    return chain.encode(body)


def audit_leaf(entry: dict[str, Any]) -> bytes:
    return merkle.leaf_hash(hashlib.sha256(audit_canonical(entry).encode()).digest())


def _events(start: int) -> Iterator[Entry]:
    # Each event's hash recomputed the fast way, which gives chain.link's (custody/stored.py).
    events = CustodyEvent.objects.filter(position__gte=start).order_by("position")
    for event_id, code, seq, _, _, _, position, rehash in stored.rehashed(events):
        yield Entry(
            position,
            merkle.leaf_hash(bytes.fromhex(rehash)),
            f"event {event_id} (box {code} seq {seq})",
        )


def _audit(start: int) -> Iterator[Entry]:
    rows = (
        AuditEntry.objects.filter(position__gte=start)
        .order_by("position")
        .values("position", *AUDIT_FIELDS)
        .iterator(chunk_size=5000)
    )
    for row in rows:
        yield Entry(
            row["position"],
            audit_leaf(row),
            f"audit entry {row['id']} ({row['action']})",
        )


def entries(start: int = 0) -> Iterator[Entry]:
    """Every event and audit entry from position `start` on, in log order, each with its
    leaf recomputed from what is stored."""
    return heapq.merge(_events(start), _audit(start), key=lambda e: e.position)
