"""A custody event's fields, declared once.

What a device may send (`DEVICE_FIELDS`), what the hash chain commits to (`HASHED`), what
the bulk insert writes and with which PostgreSQL types, and what verification reads back
are all derived from `EVENT` below. Pure: no Django.

Adding a field to an event:
1. one `Column` line in `EVENT`;
2. the model field on `CustodyEvent`, and its migration;
3. for a field the device sends, its attribute on `payload.Incoming` and its check in
   `payload.parse()`.
A hashed field added now must keep every stored hash valid: events stored before it have no
value for it, so declare it `optional=True`, and `chain.canonical()` leaves it out while it
is empty (None, "" or []).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def instant(value: datetime) -> str:
    """A time as the chain writes it: UTC, to the microsecond."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def dashed(hex_digits: str) -> str:
    """A UUID's 32 hex digits, as SQLite stores it, as `str(uuid.UUID(...))` writes it,
    without building one (a replay and verify read thousands)."""
    h = hex_digits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True)
class Column:
    name: str  # in the device's JSON, the chain's canonical JSON and the model
    pg_type: str  # of the column, for the PostgreSQL bulk insert's unnest() arrays
    column: str = ""  # the database column, where it is not `name` (foreign keys)
    lookup: str = ""  # what `.values()` reads, where it is not `column`
    device: bool = False  # sent by the device, rather than set by the server
    hashed: bool = True  # committed to by the chain's hash
    optional: bool = False  # left out of the chain's hash while empty

    @property
    def db_column(self) -> str:
        return self.column or self.name

    @property
    def read_as(self) -> str:
        return self.lookup or self.db_column

    def plain(self, value: Any) -> Any:
        """`value` as JSON: how the chain hashes it and how a resent event is compared."""
        to_plain = PLAIN.get(self.pg_type)
        return to_plain(value) if to_plain else value


# How a value of each PostgreSQL type is written as JSON; other types are JSON already.
PLAIN: dict[str, Callable[[Any], Any]] = {
    "uuid": lambda v: str(v) if v else None,
    "timestamptz": lambda v: instant(v) if v is not None else None,
    "float8": lambda v: float(v) if v is not None else None,
}

EVENT = (
    Column("id", "uuid", device=True),
    # Hashed and compared by the box's code; stored as the box's id.
    Column("box", "bigint", column="box_id", lookup="box__code", device=True),
    Column("seq", "integer"),  # position in the box's chain
    Column("kind", "varchar", device=True),
    Column("occurred_at", "timestamptz", device=True),
    Column("received_at", "timestamptz"),
    Column("place", "varchar", device=True),
    Column("lat", "float8", device=True),
    Column("lng", "float8", device=True),
    Column("from_party", "varchar", device=True),
    Column("to_party", "varchar", device=True),
    Column("escorts", "jsonb", device=True),
    Column("seals", "jsonb", device=True),
    Column("document", "varchar", device=True),
    Column("note", "text", device=True),
    Column("corrects", "uuid", column="corrects_id", device=True),
    # Who signed the event on an enrolled phone, and who co-signed a handover (kawal/field).
    Column("device", "uuid", column="device_id", device=True, optional=True),
    Column("signature", "text", device=True, optional=True),
    Column("cosignatures", "jsonb", device=True, optional=True),
    Column("recorded_by", "integer", column="recorded_by_id"),
    # The API token that sent it (accounts.ApiToken), where one did.
    Column("sent_with", "bigint", column="sent_with_id", optional=True),
    # The box's regency, the ledger's shard key (docs/deploy.md): its code's first part,
    # which the hash already commits to.
    Column("regency", "varchar", hashed=False),
    Column("prev_hash", "varchar", hashed=False),
    Column("hash", "varchar", hashed=False),
    Column("position", "bigint", hashed=False),  # in the Merkle log: custody/log.py
)
DEVICE = tuple(c for c in EVENT if c.device)
DEVICE_FIELDS = tuple(c.name for c in DEVICE)
HASHED = tuple(c for c in EVENT if c.hashed)


def named(row: dict, columns: tuple[Column, ...] = EVENT) -> dict:
    """A `.values(*(c.read_as for c in columns))` row under the columns' names."""
    return {name: row[key] for name, key in _keys(columns)}


@functools.cache
def _keys(columns: tuple[Column, ...]) -> tuple[tuple[str, str], ...]:
    # Looked up once per set of columns: verify and the ledger name every row they read.
    return tuple((c.name, c.read_as) for c in columns)


def reads(columns: tuple[Column, ...] = EVENT) -> tuple[str, ...]:
    """The `.values()` lookups that read `columns`."""
    return tuple(c.read_as for c in columns)
