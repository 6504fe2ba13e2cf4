"""Stored custody events read back fast, each with its chain hash recomputed from its columns.

`kawal verify` and the Merkle log (custody/log.py) recompute every event's hash from what
is stored, so that an administrator's edit shows. Read through the ORM, most of that time
goes to turning each column into a Python object (times, UUIDs, JSON) that the canonical
JSON then turns back into text. Here each row is read as a plain tuple and each hashed
column goes straight to its canonical JSON text, on PostgreSQL mostly by the database
itself, to fill in `chain.canonical_fragments`.

Each conversion gives exactly the text `chain.canonical` writes for the value the ORM would
read, or raises. A row it raises on holds a value in a form Kawal never writes (an edit
behind the ORM's back): that row is read again through the ORM and hashed by `chain.link`,
which fails or not as it always did. Either way a row's hash is `chain.link`'s.
"""

import json
import operator
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import F, Func, QuerySet, TextField
from django.db.models.expressions import Expression
from django.db.models.functions import Cast

from kawal.custody import chain
from kawal.custody.columns import EVENT, HASHED, Column, dashed, named, reads
from kawal.custody.models import CustodyEvent

CHUNK = 5000
# Read after the hashed columns, in this order.
_AFTER = ("box_id", "regency", "prev_hash", "hash", "position")


class Stored(NamedTuple):
    id: str
    box: str  # its code
    seq: int
    regency: str
    prev_hash: str
    hash: str  # as stored
    position: int
    rehash: str  # recomputed: chain.link(prev_hash, the event as stored)


_new = tuple.__new__  # as Stored._make makes one, without a call through Python


def rehashed(events: QuerySet[CustodyEvent]) -> Iterator[Stored]:
    """Each event of `events` (filtered and ordered by the caller), its hash recomputed."""
    connection = connections[events.db]
    pg = connection.vendor == "postgresql"
    if connection.timezone is None:
        raise ImproperlyConfigured("the ledger's times are aware: USE_TZ must be on")
    convert = tuple(_converter(c, pg, connection.timezone) for c in HASHED)
    at = len(HASHED)
    sql, params = events.values_list(*_selected()).query.get_compiler(events.db).as_sql()
    with connection.chunked_cursor() as cursor:  # server-side on PostgreSQL
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            for row in rows:
                try:
                    fragments = list(map(operator.call, convert, row))
                    text = chain.canonical_fragments(fragments)
                except (TypeError, ValueError):
                    yield _through_orm(events.db, row[at + 1], row[at], row[0])
                    continue
                prev = row[at + 2]
                yield _new(Stored, (
                    fragments[0][1:-1], row[1], row[2], row[at + 1], prev, row[at + 3],
                    row[at + 4], chain.linked(prev, text),
                ))  # fmt: skip


def _through_orm(using: str, regency: str, box_id: int, stored_id: str) -> Stored:
    """The row the fast reading refused, read and hashed the ORM's way. Found by its id as
    the row holds it, whatever else in the row is odd, among its box's events."""
    found = (
        CustodyEvent.objects.using(using)
        .filter(regency=regency, box_id=box_id)
        .alias(stored_id=Cast("id", TextField()))
        .filter(stored_id=stored_id)
    )
    row = named(found.values(*reads(EVENT)).get())
    return Stored(
        str(row["id"]), row["box"], row["seq"], row["regency"], row["prev_hash"], row["hash"],
        row["position"], chain.link(row["prev_hash"], row),
    )  # fmt: skip


class _Instant(Func):
    """A stored time as text: on PostgreSQL already as the chain writes it (columns.instant),
    NULL outside the years a Python datetime holds; elsewhere as stored."""

    output_field = TextField()
    template = "CAST(%(expressions)s AS text)"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "CASE WHEN %(expressions)s BETWEEN '0001-01-01 00:00:00+00' "
            "AND '9999-12-31 23:59:59.999999+00' THEN to_char(%(expressions)s AT TIME ZONE "
            "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') END"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _selected() -> list[Expression | str]:
    """What a row holds: the hashed columns (times and UUIDs as text), then _AFTER."""
    selected: list[Expression | str] = []
    for column in HASHED:
        kind = _read_type(column)[0]
        if kind == "uuid":
            selected.append(Cast(F(column.read_as), TextField()))
        elif kind == "timestamptz":
            selected.append(_Instant(F(column.read_as)))
        else:
            selected.append(column.read_as)
    return selected + list(_AFTER)


def _read_type(column: Column) -> tuple[str, bool]:
    """The PostgreSQL type of what `column.read_as` reads, and whether it may be NULL: a
    lookup through a foreign key (the box's code) reads the other model's field."""
    *path, name = column.read_as.split("__")
    model: Any = CustodyEvent
    for step in path:
        model = model._meta.get_field(step).related_model
    field = model._meta.get_field(name)
    if not path:
        return column.pg_type, field.null
    if field.get_internal_type() not in ("CharField", "TextField"):
        raise ValueError(f"no canonical JSON for {column.name}, read as {column.read_as}")
    return "varchar", field.null


def _converter(column: Column, pg: bool, tz: tzinfo) -> Callable[[Any], str]:
    """What turns `column`'s value, as the row holds it, into its canonical JSON."""
    kind, nullable = _read_type(column)
    convert: Callable[[Any], str]
    if kind in ("varchar", "text"):
        convert = encode_basestring
    elif kind in ("integer", "bigint"):
        convert = int.__repr__
    elif kind == "float8":
        return _Memo(_float).__getitem__  # NULL too
    elif kind == "jsonb":
        return _Memo(_json).__getitem__  # NULL too
    elif kind == "uuid":
        convert = encode_basestring if pg else _hex_uuid
    elif kind == "timestamptz":
        convert = encode_basestring if pg else _Memo(_naive_instant(tz)).__getitem__
    else:
        raise ValueError(f"no canonical JSON for {column.name}'s {kind}")
    return _or_null(convert) if nullable else convert


def _or_null(convert: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda value: "null" if value is None else convert(value)


def _float(value: Any) -> str:
    if value is None:
        return "null"
    number = float(value)  # as columns.PLAIN
    text = float.__repr__(number)
    # What JSON writes for inf and nan differs from repr.
    return text if text[-1].isdigit() else chain.encode(number)


_HEX = re.compile("[0-9a-f]{32}")


def _hex_uuid(value: str) -> str:
    """A UUID as SQLite stores it (32 hex digits) as str(uuid.UUID(value)) in JSON."""
    if not _HEX.fullmatch(value):
        raise ValueError(f"{value!r} is not a UUID as Kawal stores it")
    return f'"{dashed(value)}"'


def _naive_instant(tz: tzinfo) -> Callable[[str], str]:
    """A time as SQLite stores it, read as Django's parse_datetime first tries (naive ones in
    the connection's time zone), in JSON as columns.instant writes it."""
    utc = tz.utcoffset(None) == timedelta(0)

    def instant(value: str) -> str:
        at = datetime.fromisoformat(value)
        if at.tzinfo is None and utc:  # as Kawal stores times: in UTC, without saying so
            return '"' + at.isoformat(timespec="microseconds") + '+00:00"'
        if at.tzinfo is None:
            at = at.replace(tzinfo=tz)
        return '"' + at.astimezone(UTC).isoformat(timespec="microseconds") + '"'

    return instant


def _json(stored: str | bytes | None) -> str:
    return "null" if stored is None else chain.encode(json.loads(stored))


class _Memo(dict):
    """A conversion of values that repeat (coordinates, a batch's time, JSON such as []),
    each found once. Falsy values are not kept: 0.0 and -0.0 are equal keys, not equal JSON."""

    def __init__(self, convert: Callable[[Any], str]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> str:
        text = self.convert(value)
        if value is None or value:
            if len(self) >= 100_000:
                self.clear()
            self[value] = text
        return text
