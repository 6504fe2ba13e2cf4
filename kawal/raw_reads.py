"""Hot reads as plain SQL, converted by Django's own field converters.

A one-event request spent about a third of its time building and compiling querysets: a
few hundred microseconds each, for statements whose shape never changes. These reads write
their SQL once and convert what the driver gives back exactly as the ORM would (each field's
`from_db_value` and the backend's converters), so a row reads the same either way:
tests/custody/test_raw_reads.py compares them on both databases. The hot path's raw writes
(custody/bulk.py) use the same `cursor()`, and the ledger's last one `commit_with()`.
"""

import functools
from collections.abc import Callable, Iterable, Sequence, Sized
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

Converter = Callable[[Any, Any, Any], Any]
M = TypeVar("M", bound=Model)


def marks(values: Sized) -> str:
    """One query parameter for each of `values`: `%s, %s, …`."""
    return ", ".join(["%s"] * len(values))


@functools.cache
def _converters(vendor: str, fields: tuple[Field, ...]) -> tuple[tuple[Any, list[Converter]], ...]:
    # Looked up once per set of fields: the same column expressions the ORM compiles.
    found = []
    for field in fields:
        column = field.get_col(field.model._meta.db_table)
        found.append(
            (
                column,
                connection.ops.get_db_converters(column) + column.get_db_converters(connection),
            )
        )
    return tuple(found)


def cursor() -> Any:
    """A cursor for a hot statement, wrapped as Django wraps its own (errors as Django's,
    queries logged where they are). On PostgreSQL it binds its parameters on the server,
    beside the statement, where Django's own cursors quote each into the SQL text in Python:
    for a batch's arrays or a hundred ids, most of the statement's cost."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # the stubs want Django's wrapper here
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def commit_with(sql: str, params: Sequence[Any], *, commit: bool) -> tuple | None:
    """Run `sql`, the last statement of this transaction, and answer its first row.

    With `commit` (the caller's atomic block is the outermost, `outermost()`) on PostgreSQL,
    the transaction's COMMIT goes with it, in one round trip (psycopg's pipeline mode): a
    statement that takes a lock which every writer waits for then holds it through its own
    work and the commit, not also while this process waits to be scheduled again to send
    the COMMIT. Django's commit at the block's end then finds the transaction ended;
    anything run after this in the block runs in a transaction of its own. Otherwise (on
    SQLite, or inside a caller's transaction, as in tests) the statement runs as any other,
    and the outermost block's end commits."""
    if not commit or connection.vendor != "postgresql":
        with cursor() as hot:
            hot.execute(sql, params)
            return hot.fetchone()
    driver = connection.connection
    with connection.wrap_database_errors, driver.pipeline(), cursor() as hot:
        hot.execute(sql, params)
        driver.commit()
        return hot.fetchone()


def outermost() -> bool:
    """Whether the atomic block this code runs in is the only one, and commits at its end."""
    return (
        len(connection.atomic_blocks) == 1 and connection.commit_on_exit
        and not connection.needs_rollback
    )  # fmt: skip


def converter(fields: Sequence[Field]) -> Callable[[Sequence[Any]], list[Any]]:
    """What converts a row of `fields`' values as the ORM converts what it reads."""
    found = _converters(connection.vendor, tuple(fields))

    def convert(values: Sequence[Any]) -> list[Any]:
        converted = list(values)
        for i, (column, each) in enumerate(found):
            for convert_value in each:
                converted[i] = convert_value(converted[i], column, connection)
        return converted

    return convert


def fetch(sql: str, params: Sequence[Any], fields: Sequence[Field] = ()) -> list[tuple]:
    """Run `sql`, whose columns are `fields` in order, each row converted as the ORM would;
    without `fields`, as the driver gives them (text, numbers)."""
    with connection.cursor() as hot:
        hot.execute(sql, params)
        rows = hot.fetchall()
    if not any(found for _, found in _converters(connection.vendor, tuple(fields))):
        return rows
    convert = converter(fields)
    return [tuple(convert(row)) for row in rows]


def concrete(model: type[Model]) -> tuple[Field, ...]:
    """Every column of `model`, in the order `Model.from_db` takes them."""
    return tuple(model._meta.concrete_fields)


def instances(
    model: type[M], where: str, params: Sequence[Any], *, order: str = "", lock: bool = False
) -> list[M]:
    """`model`'s rows matching `where` (SQL over its columns), as instances, in `order`;
    locked for this transaction with `lock`, where the database locks rows (SQLite's write
    transaction holds the whole database already)."""
    fields = concrete(model)
    columns = ", ".join(str(f.column) for f in fields)
    sql = f"SELECT {columns} FROM {model._meta.db_table} WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    names = [f.attname for f in fields]
    return [model.from_db(connection.alias, names, row) for row in fetch(sql, params, fields)]


def db_values(field: Field, values: Iterable[Any]) -> list[Any]:
    """`values` of `field` as this database's query parameters (a UUID as SQLite's hex)."""
    return [field.get_db_prep_value(v, connection) for v in values]
