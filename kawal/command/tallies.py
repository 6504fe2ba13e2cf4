"""The tallies (models.py): their triggers, their rebuild and their folding.

A tally row is a delta for one district or one regency. The triggers below append them;
`rebuild()` writes them from scratch out of the source tables (after a bulk load that
bypassed the triggers); `compact()` folds a table's deltas into one row per key, and
`keep_compact()` does so in the background, beside the web workers, so that a page only
ever reads. Reading sums the rows of the districts asked for, grouped to the level shown, so
a regency, a province or the whole country costs a few grouped reads over thousands of rows,
not millions.
"""

import logging
import time
from collections.abc import Callable
from typing import NoReturn

from django.db import DatabaseError, connection, transaction

from kawal.command import delivered_or_sealed

REGENCY_LENGTH, DISTRICT_LENGTH = len("35.10"), len("35.10.01")
# Each change is tallied twice: under its district (for a regency's page) and under its
# regency (for a province's or the country's, which then sum ~15 times fewer rows).
DEPTHS = (REGENCY_LENGTH, DISTRICT_LENGTH)
# Fold a table's deltas once it holds this many more rows than when last folded, checking
# every COMPACT_EVERY seconds.
COMPACT_AFTER = 20_000
COMPACT_EVERY = 10
# Trigger names carry a version: installing a new version drops every older trigger.
VERSION = "command_v2_"

logger = logging.getLogger(__name__)


def _tps(row: str, sign: str) -> str:
    values = ", ".join(
        f"(substr({row}.code, 1, {d}), {d}, {sign}1, {sign}{row}.voters)" for d in DEPTHS
    )
    return f"INSERT INTO command_tpstally (area, depth, tps, voters) VALUES {values};"


def _box(row: str, sign: str) -> str:
    values = ", ".join(
        f"(substr({row}.code, 1, {d}), {d}, {row}.state, {row}.stop, {sign}1)" for d in DEPTHS
    )
    return f"INSERT INTO command_boxtally (area, depth, state, stop, boxes) VALUES {values};"


def _event(hour: str) -> str:
    selects = " UNION ALL ".join(
        f"SELECT substr(b.code, 1, {d}), {d}, NEW.kind, {hour}, 1 FROM custody_box b "
        "WHERE b.id = NEW.box_id"
        for d in DEPTHS
    )
    return f"INSERT INTO command_eventtally (area, depth, kind, hour, events) {selects};"


def _alert(row: str, sign: str) -> str:
    selects = " UNION ALL ".join(
        f"SELECT substr(b.code, 1, {d}), {d}, {row}.severity, {row}.status, {sign}1 "
        f"FROM custody_box b WHERE b.id = {row}.box_id"
        for d in DEPTHS
    )
    return f"INSERT INTO command_alerttally (area, depth, severity, status, alerts) {selects};"


def _sqlite_triggers() -> list[str]:
    def trigger(name: str, when: str, body: str, condition: str = "") -> str:
        where = f" WHEN {condition}" if condition else ""
        return f"CREATE TRIGGER {VERSION}{name} {when}{where} BEGIN {body} END"

    hour = "substr(NEW.occurred_at, 1, 13) || ':00:00'"
    return [
        trigger("tps_insert", "AFTER INSERT ON territory_tps", _tps("NEW", "")),
        trigger("tps_delete", "AFTER DELETE ON territory_tps", _tps("OLD", "-")),
        trigger("tps_update", "AFTER UPDATE OF code, voters ON territory_tps",
                _tps("OLD", "-") + _tps("NEW", "")),
        trigger("box_insert", "AFTER INSERT ON custody_box", _box("NEW", "")),
        trigger("box_delete", "AFTER DELETE ON custody_box", _box("OLD", "-")),
        trigger("box_update", "AFTER UPDATE OF code, state, stop ON custody_box",
                _box("OLD", "-") + _box("NEW", ""),
                "OLD.state IS NOT NEW.state OR OLD.stop IS NOT NEW.stop OR OLD.code IS NOT NEW.code"),
        trigger("event_insert", "AFTER INSERT ON custody_custodyevent", _event(hour),
                delivered_or_sealed.sql("NEW")),
        trigger("alert_insert", "AFTER INSERT ON custody_alert", _alert("NEW", "")),
        trigger("alert_delete", "AFTER DELETE ON custody_alert", _alert("OLD", "-")),
        trigger("alert_update", "AFTER UPDATE OF status, severity, box_id ON custody_alert",
                _alert("OLD", "-") + _alert("NEW", ""),
                "OLD.status IS NOT NEW.status OR OLD.severity IS NOT NEW.severity "
                "OR OLD.box_id IS NOT NEW.box_id"),
    ]


def _postgres_triggers() -> list[str]:
    def function(name: str, body: str) -> str:
        return (f"CREATE FUNCTION {VERSION}{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {body} RETURN NULL; END $$")

    def both(fn: Callable[[str, str], str]) -> str:
        return f"IF TG_OP <> 'INSERT' THEN {fn('OLD', '-')} END IF; " \
               f"IF TG_OP <> 'DELETE' THEN {fn('NEW', '')} END IF;"

    def trigger(name: str, when: str, fn: str, condition: str = "") -> str:
        where = f" WHEN ({condition})" if condition else ""
        return (f"CREATE TRIGGER {VERSION}{name} {when} FOR EACH ROW{where} "
                f"EXECUTE FUNCTION {VERSION}{fn}()")

    hour = "date_trunc('hour', NEW.occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return [
        function("tps", both(_tps)),
        trigger("tps", "AFTER INSERT OR DELETE OR UPDATE OF code, voters ON territory_tps", "tps"),
        function("box", both(_box)),
        trigger("box_add", "AFTER INSERT OR DELETE ON custody_box", "box"),
        trigger("box_move", "AFTER UPDATE OF code, state, stop ON custody_box", "box",
                "OLD.state IS DISTINCT FROM NEW.state OR OLD.stop IS DISTINCT FROM NEW.stop "
                "OR OLD.code IS DISTINCT FROM NEW.code"),
        function("event", _event(hour)),
        trigger("event", "AFTER INSERT ON custody_custodyevent", "event",
                delivered_or_sealed.sql("NEW")),
        function("alert", both(_alert)),
        trigger("alert_add", "AFTER INSERT OR DELETE ON custody_alert", "alert"),
        trigger("alert_move", "AFTER UPDATE OF status, severity, box_id ON custody_alert", "alert",
                "OLD.status IS DISTINCT FROM NEW.status OR OLD.severity IS DISTINCT FROM NEW.severity "
                "OR OLD.box_id IS DISTINCT FROM NEW.box_id"),
    ]


def trigger_statements() -> list[str]:
    """The functions (PostgreSQL) and triggers that keep the tallies, for this database."""
    return _postgres_triggers() if connection.vendor == "postgresql" else _sqlite_triggers()


def drop_statements() -> list[str]:
    """Drop every Kawal command trigger and function, of this version or an older one."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                "WHERE tgname LIKE 'command%' AND NOT tgisinternal"
            )
            drops = [f'DROP TRIGGER "{name}" ON {table}' for name, table in cursor.fetchall()]
            cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'command%'")
            return drops + [f'DROP FUNCTION "{name}"()' for (name,) in cursor.fetchall()]
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'command%'")
        return [f'DROP TRIGGER "{name}"' for (name,) in cursor.fetchall()]


def _hour(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return f"substr({column}, 1, 13) || ':00:00'"


def rebuild_statements() -> list[str]:
    """Every tally written afresh, at both depths, from the tables it counts."""
    statements = [f"DELETE FROM {table}" for table in TABLES]
    for d in DEPTHS:
        statements += [
            ("INSERT INTO command_tpstally (area, depth, tps, voters) "
            f"SELECT substr(code, 1, {d}), {d}, count(*), sum(voters) FROM territory_tps "
            f"GROUP BY substr(code, 1, {d})"),
            ("INSERT INTO command_boxtally (area, depth, state, stop, boxes) "
            f"SELECT substr(code, 1, {d}), {d}, state, stop, count(*) FROM custody_box "
            f"GROUP BY substr(code, 1, {d}), state, stop"),
            ("INSERT INTO command_eventtally (area, depth, kind, hour, events) "
            f"SELECT substr(b.code, 1, {d}), {d}, e.kind, {_hour('e.occurred_at')}, count(*) "
            "FROM custody_custodyevent e JOIN custody_box b ON b.id = e.box_id "
            f"WHERE {delivered_or_sealed.sql('e')} "
            f"GROUP BY substr(b.code, 1, {d}), e.kind, {_hour('e.occurred_at')}"),
            ("INSERT INTO command_alerttally (area, depth, severity, status, alerts) "
            f"SELECT substr(b.code, 1, {d}), {d}, a.severity, a.status, count(*) "
            "FROM custody_alert a JOIN custody_box b ON b.id = a.box_id "
            f"GROUP BY substr(b.code, 1, {d}), a.severity, a.status"),
        ]
    return statements


def _installed() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal",
                [VERSION + "%"],
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [VERSION + "%"],
            )
        return cursor.fetchone()[0]


# Totals that must agree with the tables they count; a cheap check after every migrate.
CONSISTENT = (
    "SELECT (SELECT count(*) FROM territory_tps) = "
    "(SELECT coalesce(sum(tps), 0) FROM command_tpstally WHERE depth = 8) "
    "AND (SELECT count(*) FROM custody_box) = "
    "(SELECT coalesce(sum(boxes), 0) FROM command_boxtally WHERE depth = 8) "
    "AND (SELECT count(*) FROM custody_alert) = "
    "(SELECT coalesce(sum(alerts), 0) FROM command_alerttally WHERE depth = 8) "
    "AND (EXISTS (SELECT 1 FROM custody_custodyevent) "
    "OR (SELECT coalesce(sum(events), 0) FROM command_eventtally) = 0)"
)


@transaction.atomic
def install() -> None:
    """Create the triggers if any is missing, and rebuild the tallies if they disagree.

    Run after every migrate and flush (apps.py): SQLite drops a table's triggers when a
    migration rebuilds the table to alter it, and a flush empties the tables in an order
    that can leave the deltas of its own deletes behind.
    """
    statements = trigger_statements()
    expected = sum(1 for sql in statements if sql.startswith("CREATE TRIGGER"))
    with connection.cursor() as cursor:
        if _installed() != expected:
            for sql in [*drop_statements(), *statements, *rebuild_statements()]:
                cursor.execute(sql)
            return
        cursor.execute(CONSISTENT)
        if not cursor.fetchone()[0]:
            for sql in rebuild_statements():
                cursor.execute(sql)


@transaction.atomic
def rebuild() -> None:
    """Write the tallies afresh, e.g. after a bulk load that ran with triggers switched off."""
    with connection.cursor() as cursor:
        for sql in rebuild_statements():
            cursor.execute(sql)


# table: (key columns, summed columns)
TABLES = {
    "command_tpstally": (("area", "depth"), ("tps", "voters")),
    "command_boxtally": (("area", "depth", "state", "stop"), ("boxes",)),
    "command_eventtally": (("area", "depth", "kind", "hour"), ("events",)),
    "command_alerttally": (("area", "depth", "severity", "status"), ("alerts",)),
}
_folded_at: dict[str, int] = {}


def compact(table: str) -> int:
    """Fold a tally's deltas into one row per key (dropping keys that sum to nothing).

    Answers the table's highest row id afterwards: growth is counted from there.
    """
    keys, sums = TABLES[table]
    key_list = ", ".join(keys)
    sum_list = ", ".join(f"sum({c})" for c in sums)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in sums)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the rows it deletes are exactly the rows it sums, even while
            # triggers in other transactions keep appending.
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} RETURNING {key_list}, {', '.join(sums)}) "
                f"INSERT INTO {table} ({key_list}, {', '.join(sums)}) "
                f"SELECT {key_list}, {sum_list} FROM gone GROUP BY {key_list} HAVING {nonzero}"
            )
        else:
            # SQLite has one writer at a time: this transaction sees and holds every row.
            cursor.execute(f"SELECT max(id) FROM {table}")
            (top,) = cursor.fetchone()
            if top is None:
                return 0
            cursor.execute(
                f"INSERT INTO {table} ({key_list}, {', '.join(sums)}) "
                f"SELECT {key_list}, {sum_list} FROM {table} WHERE id <= %s "
                f"GROUP BY {key_list} HAVING {nonzero}",
                [top],
            )
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [top])
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return cursor.fetchone()[0]


def compact_if_grown() -> list[str]:
    """Fold the tallies that grew by COMPACT_AFTER rows since this process last folded them;
    answers the tables folded."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT max(id) FROM {t})" for t in TABLES))
        tops = cursor.fetchone()
    folded = []
    for table, top in zip(TABLES, tops, strict=True):
        if top is not None and top - _folded_at.get(table, 0) > COMPACT_AFTER:
            _folded_at[table] = compact(table)
            folded.append(table)
    return folded


def keep_compact(every: float) -> NoReturn:
    """Fold grown tallies every `every` seconds for as long as the process runs.

    The write side of the tallies: pages only read them (status.py), so a GET never folds.
    Runs beside the web workers (kawal/server.py) or as `kawal compact_tallies --every N`.
    """
    while True:
        try:
            compact_if_grown()
        except DatabaseError:
            logger.exception("folding the tallies failed; trying again in %s s", every)
        finally:
            connection.close()  # this thread's own connection: hold none while asleep
        time.sleep(every)
