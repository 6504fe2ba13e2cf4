"""The ledger's raw bulk writes: one INSERT of a batch's events, one UPDATE of its boxes.

The hot path builds plain parameter rows instead of model instances: on election night a
batch of 500 events would otherwise spend most of its time in Django's per-field
preparation. The event's columns and their types come from columns.EVENT. Each event's
position in the Merkle log is numbered here, as it is inserted (custody/log.py).
"""

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection

from kawal import raw_reads
from kawal.accounts import audit
from kawal.accounts.models import AuditEntry
from kawal.custody import log
from kawal.custody.columns import EVENT
from kawal.custody.models import Box, CustodyEvent

# The fold and the chain's head the ledger keeps on each box, with their PostgreSQL types.
BOX_COLUMNS = (
    ("state", "varchar"), ("stop", "varchar"), ("seals", "jsonb"),
    ("expected_by", "timestamptz"), ("last_occurred_at", "timestamptz"),
    ("head_seq", "integer"), ("head_hash", "varchar"),
)  # fmt: skip
# What the ledger fills in for each event: all but its position in the log.
UNNUMBERED = tuple(c for c in EVENT if c.name != "position")
EVENT_COLUMNS = tuple((c.name, c.pg_type) for c in UNNUMBERED)


class Parameters:
    """Python values as this database's query parameters, as Django's fields make them."""

    def __init__(self) -> None:
        ops = connection.ops
        native_uuid = connection.features.has_native_uuid_field
        empty_list = ops.adapt_json_value([], None)  # most events' escorts or seals

        def json_value(v: Any) -> Any:
            return empty_list if v == [] else ops.adapt_json_value(v, None)

        self.by_type: dict[str, Callable[[Any], Any]] = {
            "uuid": (lambda v: v) if native_uuid else (lambda v: v.hex if v else None),
            "timestamptz": ops.adapt_datetimefield_value,
            "jsonb": json_value,
        }
        # Found once per set of columns (a module's constant): the ledger makes a row of
        # each event it appends.
        self._found: dict[int, tuple[Sequence, list[tuple[str, Any]]]] = {}

    def row(self, columns: Sequence[tuple[str, str]], values: dict[str, Any]) -> tuple:
        """`values` of `columns` (name, PostgreSQL type), in order, as query parameters."""
        return tuple([
            values[name] if adapt is None else adapt(values[name])
            for name, adapt in self._adapters(columns)
        ])  # fmt: skip

    def _adapters(self, columns: Sequence[tuple[str, str]]) -> list[tuple[str, Any]]:
        found = self._found.get(id(columns))
        if found is None or found[0] is not columns:
            found = self._found[id(columns)] = (
                columns, [(n, self.by_type.get(t)) for n, t in columns]
            )  # fmt: skip
        return found[1]


def _arrays(pg_types: Iterable[str]) -> str:
    """unnest()'s parameters on PostgreSQL: one array a column, cast to its type."""
    return ", ".join(f"%s::{t}[]" for t in pg_types)


def _columns_of(rows: list[tuple], width: int) -> list[list]:
    """The rows (of `width` values each) as one list a column: unnest()'s arrays."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(c) for c in zip(*rows, strict=True)]


def _write(sql: str, rows: list[tuple], *, pg_types: Iterable[str], pg_sql: str) -> None:
    """Run `sql` for every row. On PostgreSQL, run `pg_sql` once over the rows as arrays
    (`unnest(%s::type[], …)`): one round trip and one parameter per column instead of
    hundreds of statements, the arrays sent as parameters beside the statement (server-side
    binding) rather than quoted into its text in Python, as Django's cursors do. SQLite runs
    in process, where executemany of one statement is cheapest."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with raw_reads.cursor() as cursor:
            cursor.execute(pg_sql.format(arrays=_arrays(pg_types)), _columns_of(rows, len(rows[0])))
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def append(rows: list[tuple], entry: AuditEntry, *, commit: bool = False) -> None:
    """The batch's events, each a row in the order of EVENT_COLUMNS, then its audit `entry`
    (accounts/audit.entry()), appended to the log in that order. From here the transaction
    holds the log's lock: it is the transaction's last write.

    On PostgreSQL, one statement: it takes the lock and reads the log's head through the
    log's head function, numbers the events in their INSERT and links the entry in its own,
    so nothing is prepared and no round trip is waited for under the lock but that one
    statement's; with `commit`, the caller's transaction ends with it, its COMMIT sent in the
    same round trip (raw_reads.commit_with). On SQLite (the database's one writer holds the
    lock), an executemany of the events and the entry's own insert."""
    if connection.vendor != "postgresql":
        first = log.next_position()
        if rows:
            names = [*(c.db_column for c in UNNUMBERED), "position"]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {CustodyEvent._meta.db_table} ({', '.join(names)}) "
                    f"VALUES ({raw_reads.marks(names)})",
                    [(*row, first + i) for i, row in enumerate(rows)],
                )
        audit.append(entry, first + len(rows))
        return
    entry.id = audit.next_id()  # its hash covers it: known before the statement
    entry_parameters = audit.linked_parameters(entry, len(rows))
    linked = raw_reads.commit_with(
        _append_sql(), [*_columns_of(rows, len(UNNUMBERED)), *entry_parameters], commit=commit
    )  # fmt: skip
    assert linked is not None  # the entry's insert returns its row
    audit.as_stored(entry, *linked)


@functools.cache
def _append_sql() -> str:
    """PostgreSQL's one statement of append(): the log's head, the events, the audit entry."""
    names = [c.db_column for c in UNNUMBERED]
    return (
        f"WITH head AS MATERIALIZED (SELECT size, audit_hash FROM {log.HEAD}()), "
        f"added AS (INSERT INTO {CustodyEvent._meta.db_table} ({', '.join(names)}, position) "
        f"SELECT {', '.join(f'u.{n}' for n in names)}, head.size + u.n - 1 "
        f"FROM unnest({_arrays(c.pg_type for c in UNNUMBERED)}) "
        f"WITH ORDINALITY AS u({', '.join(names)}, n), head), "
        f"entry AS ({audit.insert_linked_sql('head')}) "
        "SELECT position, prev_hash, hash FROM entry"
    )


def update_boxes(boxes: list[Box], parameters: Parameters) -> None:
    """One UPDATE for the batch's boxes: their fold and their chain's head. Each box is
    found by its regency (the shard key, docs/deploy.md) and its id."""
    table = Box._meta.db_table
    names = [name for name, _ in BOX_COLUMNS]
    _write(
        f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in names)} "
        "WHERE regency = %s AND id = %s",
        [(*parameters.row(BOX_COLUMNS, vars(b)), b.regency, b.pk) for b in boxes],
        pg_types=(*(t for _, t in BOX_COLUMNS), "varchar", "bigint"),
        pg_sql=(
            f"UPDATE {table} AS b SET {', '.join(f'{c} = v.{c}' for c in names)} "
            f"FROM unnest({{arrays}}) AS v({', '.join(names)}, regency, id) "
            "WHERE b.regency = v.regency AND b.id = v.id"
        ),
    )
