"""The benchmarks' own copy of the demo regency, and the ledger's floor on it.

`prepare()` migrates and loads the demo into the run's database (never the demo's);
`reset()` empties the ledger between workloads. `bare_driver()` is the floor of every ingest
figure: the same event rows (hashes included) and the same box updates that the real path
stored, written by the bare database driver (sqlite3 or psycopg `executemany`), one
transaction per batch of the workload's size.
"""

import time

from django.db import connection, transaction


def prepare() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from kawal.demo.load import is_loaded, load_demo

    call_command("migrate", interactive=False, verbosity=0)
    if not is_loaded():
        load_demo()
    # `kawal serve` refuses to start while demo users keep the demo password; the devices
    # here sign in with API tokens, so no one needs a password at all.
    get_user_model().objects.update(password=make_password(None))


LEDGER_TABLES = (
    "custody_alert", "custody_checkpoint", "custody_custodyevent", "accounts_auditentry",
    "custody_box",
)  # fmt: skip


def reset() -> None:
    """Empty the ledger (events, alerts, checkpoints and the audit log) of the benchmark's own database and put every box back at KPU: as
    its owner, past the append-only triggers, which go back in place after."""
    from kawal.custody import append_only

    with transaction.atomic(), connection.cursor() as cursor:
        append_only.drop()
        cursor.execute("DELETE FROM custody_alert")
        cursor.execute("DELETE FROM custody_checkpoint")
        cursor.execute("DELETE FROM custody_custodyevent")
        # The log's other leaves: what is left of it must have no gap (custody/log.py).
        cursor.execute("DELETE FROM accounts_auditentry")
        cursor.execute(
            "UPDATE custody_box SET state = 'at_kpu_warehouse', stop = 'kpu', seals = '[]', "
            "expected_by = NULL, last_occurred_at = NULL, head_seq = 0, head_hash = ''"
        )
        append_only.install()
    if connection.vendor == "postgresql":
        # What DELETE leaves behind: a log whose dead rows outnumber the live ones makes
        # every max(position) (custody/log.py) step over them, which a real night, whose
        # positions only grow, never does. VACUUM runs outside a transaction.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(LEDGER_TABLES)}")


def engine() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def tokens(count: int, username: str = "komandan") -> list[str]:
    """`count` API tokens of one user: one per device."""
    from django.contrib.auth import get_user_model

    from kawal.accounts.models import ApiToken

    user = get_user_model().objects.get(username=username)
    return [ApiToken.issue(user)[1] for _ in range(count)]


def log_size() -> int:
    from kawal.custody import log

    return log.size()


def alerts_raised() -> dict[str, int]:
    from django.db.models import Count

    from kawal.custody.models import Alert

    return dict(Alert.objects.values_list("rule").annotate(n=Count("id")).order_by("rule"))


def stored_rows(since: int = 0):
    """The events (from log position `since`) and the box heads the real path wrote, as
    plain tuples, events in append order, heads by box id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM custody_custodyevent WHERE position >= %s ORDER BY position", [since]
        )
        columns = [c[0] for c in cursor.description]
        events = cursor.fetchall()
        cursor.execute(
            "SELECT state, stop, seals, expected_by, last_occurred_at, head_seq, head_hash, id "
            "FROM custody_box WHERE head_seq > 0"
        )
        heads = {row[-1]: row for row in cursor.fetchall()}
    return columns, events, heads


def _connect():
    from django.conf import settings

    database = settings.DATABASES["default"]
    vendor = connection.vendor
    connection.close()
    if vendor == "sqlite":
        import sqlite3

        conn = sqlite3.connect(database["NAME"], isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn, "?", "BEGIN IMMEDIATE"
    import psycopg

    conn = psycopg.connect(
        host=database["HOST"], port=database["PORT"] or 5432, user=database["USER"],
        password=database["PASSWORD"] or None, dbname=database["NAME"], autocommit=True,
    )  # fmt: skip
    return conn, "%s", "BEGIN"


def bare_driver(columns: list[str], events: list[tuple], heads: dict, batch: int) -> float:
    """Events per second writing `events` again, `batch` a transaction, each with the update
    of the boxes it touches, by the bare driver. The ledger is emptied first (reset)."""
    reset()
    conn, mark, begin = _connect()
    insert = (
        f"INSERT INTO custody_custodyevent ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    update = (
        f"UPDATE custody_box SET state = {mark}, stop = {mark}, seals = {mark}, "
        f"expected_by = {mark}, last_occurred_at = {mark}, head_seq = {mark}, "
        f"head_hash = {mark} WHERE id = {mark}"
    )
    box = columns.index("box_id")
    chunks = [events[i : i + batch] for i in range(0, len(events), batch)]
    touched = [[heads[b] for b in dict.fromkeys(row[box] for row in chunk)] for chunk in chunks]
    started = time.perf_counter()
    for chunk, boxes in zip(chunks, touched, strict=True):
        cursor = conn.cursor()
        cursor.execute(begin)
        cursor.executemany(insert, chunk)
        cursor.executemany(update, boxes)
        cursor.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(events) / elapsed
