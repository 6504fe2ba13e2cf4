"""Append-only in the database itself: triggers that refuse UPDATE and DELETE.

The ORM already refuses to change a custody event (models.py), but anyone with SQL access
would not go through it. These triggers make the database refuse too, on SQLite with
RAISE(ABORT) and on PostgreSQL with a trigger function (and TRUNCATE as well). A database
owner can still drop them: what proves the record unchanged is a checkpoint kept outside
(custody/checkpoints.py); docs/deploy.md gives `kawal serve` a role that owns nothing.

Installed after every migrate (apps.py), since SQLite drops a table's triggers when a
migration rebuilds it; dropped and put back around a flush (management/commands/flush.py).
A migration that must rewrite one of these tables drops them first with `drop()`.
"""

from django.db import connection, transaction

# The tables whose rows are only ever appended: custody events, checkpoints, the audit log.
TABLES = ("custody_custodyevent", "custody_checkpoint", "accounts_auditentry")
PREFIX = "append_only_"
FUNCTION = f"{PREFIX}refuse"


def _sqlite() -> list[str]:
    return [
        f"CREATE TRIGGER {PREFIX}{table}_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
        for table in TABLES
        for op in ("UPDATE", "DELETE")
    ]


def _postgres() -> list[str]:
    refuse = (
        f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
        "USING ERRCODE = 'restrict_violation'; END $$"
    )
    triggers = [
        f"CREATE TRIGGER {PREFIX}{table}{suffix} BEFORE {ops} ON {table} "
        f"FOR EACH {each} EXECUTE FUNCTION {FUNCTION}()"
        for table in TABLES
        for suffix, ops, each in (
            ("", "UPDATE OR DELETE", "ROW"),
            ("_truncate", "TRUNCATE", "STATEMENT"),
        )
    ]
    return [refuse, *triggers]


def _create_statements() -> list[str]:
    return _postgres() if connection.vendor == "postgresql" else _sqlite()


def _installed() -> list[tuple[str, str]]:
    """The append-only triggers in place, as (name, table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                "WHERE tgname LIKE %s AND NOT tgisinternal",
                [PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [PREFIX + "%"],
            )
        return cursor.fetchall()


def drop() -> None:
    """Remove every append-only trigger (and PostgreSQL's function), e.g. before a flush."""
    with connection.cursor() as cursor:
        for name, table in _installed():
            on = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f'DROP TRIGGER "{name}"{on}')
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


@transaction.atomic
def install() -> None:
    """Create the triggers unless every one is in place."""
    statements = _create_statements()
    expected = sum(1 for sql in statements if sql.startswith("CREATE TRIGGER"))
    if len(_installed()) == expected:
        return
    drop()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
