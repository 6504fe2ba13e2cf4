"""The per-district tallies (models.py): their triggers, their rebuild, and reading them.

A tally row is a delta for one district. The triggers below append them; `rebuild()` writes
them from scratch out of the source tables (after a bulk load that bypassed the triggers);
`compact()` folds a table's deltas into one row per key. Reading sums the rows of the
districts asked for, grouped to the level shown, so a regency, a province or the whole
country costs a few grouped reads over thousands of rows, not millions.
"""

from django.db import connection, transaction

DISTRICT_LENGTH = len("35.10.01")
# Fold a table's deltas once it holds this many more rows than when last folded.
COMPACT_AFTER = 20_000

_DELIVERED_OR_SEALED = "(NEW.kind = 'sealed' OR (NEW.kind = 'arrived' AND instr(NEW.place, '-') > 0))"

SQLITE_TRIGGERS = [
    """CREATE TRIGGER command_tps_insert AFTER INSERT ON territory_tps BEGIN
       INSERT INTO command_tpstally (district, tps, voters) VALUES (substr(NEW.code, 1, 8), 1, NEW.voters);
       END""",
    """CREATE TRIGGER command_tps_delete AFTER DELETE ON territory_tps BEGIN
       INSERT INTO command_tpstally (district, tps, voters) VALUES (substr(OLD.code, 1, 8), -1, -OLD.voters);
       END""",
    """CREATE TRIGGER command_tps_update AFTER UPDATE OF code, voters ON territory_tps BEGIN
       INSERT INTO command_tpstally (district, tps, voters) VALUES (substr(OLD.code, 1, 8), -1, -OLD.voters);
       INSERT INTO command_tpstally (district, tps, voters) VALUES (substr(NEW.code, 1, 8), 1, NEW.voters);
       END""",
    """CREATE TRIGGER command_box_insert AFTER INSERT ON custody_box BEGIN
       INSERT INTO command_boxtally (district, state, stop, boxes)
       VALUES (substr(NEW.code, 1, 8), NEW.state, NEW.stop, 1);
       END""",
    """CREATE TRIGGER command_box_delete AFTER DELETE ON custody_box BEGIN
       INSERT INTO command_boxtally (district, state, stop, boxes)
       VALUES (substr(OLD.code, 1, 8), OLD.state, OLD.stop, -1);
       END""",
    """CREATE TRIGGER command_box_update AFTER UPDATE OF code, state, stop ON custody_box
       WHEN OLD.state IS NOT NEW.state OR OLD.stop IS NOT NEW.stop OR OLD.code IS NOT NEW.code BEGIN
       INSERT INTO command_boxtally (district, state, stop, boxes)
       VALUES (substr(OLD.code, 1, 8), OLD.state, OLD.stop, -1);
       INSERT INTO command_boxtally (district, state, stop, boxes)
       VALUES (substr(NEW.code, 1, 8), NEW.state, NEW.stop, 1);
       END""",
    f"""CREATE TRIGGER command_event_insert AFTER INSERT ON custody_custodyevent
       WHEN {_DELIVERED_OR_SEALED} BEGIN
       INSERT INTO command_eventtally (district, kind, hour, events)
       SELECT substr(b.code, 1, 8), NEW.kind, substr(NEW.occurred_at, 1, 13) || ':00:00', 1
       FROM custody_box b WHERE b.id = NEW.box_id;
       END""",
    """CREATE TRIGGER command_alert_insert AFTER INSERT ON custody_alert BEGIN
       INSERT INTO command_alerttally (district, severity, status, alerts)
       SELECT substr(b.code, 1, 8), NEW.severity, NEW.status, 1 FROM custody_box b WHERE b.id = NEW.box_id;
       END""",
    """CREATE TRIGGER command_alert_delete AFTER DELETE ON custody_alert BEGIN
       INSERT INTO command_alerttally (district, severity, status, alerts)
       SELECT substr(b.code, 1, 8), OLD.severity, OLD.status, -1 FROM custody_box b WHERE b.id = OLD.box_id;
       END""",
    """CREATE TRIGGER command_alert_update AFTER UPDATE OF status, severity, box_id ON custody_alert
       WHEN OLD.status IS NOT NEW.status OR OLD.severity IS NOT NEW.severity
         OR OLD.box_id IS NOT NEW.box_id BEGIN
       INSERT INTO command_alerttally (district, severity, status, alerts)
       SELECT substr(b.code, 1, 8), OLD.severity, OLD.status, -1 FROM custody_box b WHERE b.id = OLD.box_id;
       INSERT INTO command_alerttally (district, severity, status, alerts)
       SELECT substr(b.code, 1, 8), NEW.severity, NEW.status, 1 FROM custody_box b WHERE b.id = NEW.box_id;
       END""",
]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION command_tps_tally() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           INSERT INTO command_tpstally (district, tps, voters) VALUES (substr(OLD.code, 1, 8), -1, -OLD.voters);
         END IF;
         IF TG_OP <> 'DELETE' THEN
           INSERT INTO command_tpstally (district, tps, voters) VALUES (substr(NEW.code, 1, 8), 1, NEW.voters);
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER command_tps_change AFTER INSERT OR DELETE OR UPDATE OF code, voters
       ON territory_tps FOR EACH ROW EXECUTE FUNCTION command_tps_tally()""",
    """CREATE FUNCTION command_box_tally() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           INSERT INTO command_boxtally (district, state, stop, boxes)
           VALUES (substr(OLD.code, 1, 8), OLD.state, OLD.stop, -1);
         END IF;
         IF TG_OP <> 'DELETE' THEN
           INSERT INTO command_boxtally (district, state, stop, boxes)
           VALUES (substr(NEW.code, 1, 8), NEW.state, NEW.stop, 1);
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER command_box_add AFTER INSERT OR DELETE ON custody_box
       FOR EACH ROW EXECUTE FUNCTION command_box_tally()""",
    """CREATE TRIGGER command_box_move AFTER UPDATE OF code, state, stop ON custody_box FOR EACH ROW
       WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.stop IS DISTINCT FROM NEW.stop
             OR OLD.code IS DISTINCT FROM NEW.code)
       EXECUTE FUNCTION command_box_tally()""",
    """CREATE FUNCTION command_event_tally() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO command_eventtally (district, kind, hour, events)
         SELECT substr(b.code, 1, 8), NEW.kind, date_trunc('hour', NEW.occurred_at AT TIME ZONE 'UTC')
                AT TIME ZONE 'UTC', 1
         FROM custody_box b WHERE b.id = NEW.box_id;
         RETURN NULL;
       END $$""",
    f"""CREATE TRIGGER command_event_add AFTER INSERT ON custody_custodyevent FOR EACH ROW
       WHEN {_DELIVERED_OR_SEALED.replace("instr(NEW.place, '-')", "strpos(NEW.place, '-')")}
       EXECUTE FUNCTION command_event_tally()""",
    """CREATE FUNCTION command_alert_tally() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           INSERT INTO command_alerttally (district, severity, status, alerts)
           SELECT substr(b.code, 1, 8), OLD.severity, OLD.status, -1 FROM custody_box b WHERE b.id = OLD.box_id;
         END IF;
         IF TG_OP <> 'DELETE' THEN
           INSERT INTO command_alerttally (district, severity, status, alerts)
           SELECT substr(b.code, 1, 8), NEW.severity, NEW.status, 1 FROM custody_box b WHERE b.id = NEW.box_id;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER command_alert_add AFTER INSERT OR DELETE ON custody_alert
       FOR EACH ROW EXECUTE FUNCTION command_alert_tally()""",
    """CREATE TRIGGER command_alert_move AFTER UPDATE OF status, severity, box_id ON custody_alert
       FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                          OR OLD.severity IS DISTINCT FROM NEW.severity OR OLD.box_id IS DISTINCT FROM NEW.box_id)
       EXECUTE FUNCTION command_alert_tally()""",
]

DROP_SQLITE = [
    f"DROP TRIGGER IF EXISTS command_{name}"
    for name in (
        "tps_insert", "tps_delete", "tps_update", "box_insert", "box_delete", "box_update",
        "event_insert", "alert_insert", "alert_delete", "alert_update",
    )
]
DROP_POSTGRES = [
    "DROP TRIGGER IF EXISTS command_tps_change ON territory_tps",
    "DROP TRIGGER IF EXISTS command_box_add ON custody_box",
    "DROP TRIGGER IF EXISTS command_box_move ON custody_box",
    "DROP TRIGGER IF EXISTS command_event_add ON custody_custodyevent",
    "DROP TRIGGER IF EXISTS command_alert_add ON custody_alert",
    "DROP TRIGGER IF EXISTS command_alert_move ON custody_alert",
    "DROP FUNCTION IF EXISTS command_tps_tally()",
    "DROP FUNCTION IF EXISTS command_box_tally()",
    "DROP FUNCTION IF EXISTS command_event_tally()",
    "DROP FUNCTION IF EXISTS command_alert_tally()",
]


def _hour(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return f"substr({column}, 1, 13) || ':00:00'"


def _position(column: str) -> str:
    return f"strpos({column}, '-')" if connection.vendor == "postgresql" else f"instr({column}, '-')"


def rebuild_statements() -> list[str]:
    """Every tally written afresh from the tables it counts."""
    return [
        "DELETE FROM command_tpstally",
        "DELETE FROM command_boxtally",
        "DELETE FROM command_eventtally",
        "DELETE FROM command_alerttally",
        ("INSERT INTO command_tpstally (district, tps, voters) "
        "SELECT substr(code, 1, 8), count(*), sum(voters) FROM territory_tps GROUP BY substr(code, 1, 8)"),
        ("INSERT INTO command_boxtally (district, state, stop, boxes) "
        "SELECT substr(code, 1, 8), state, stop, count(*) FROM custody_box "
        "GROUP BY substr(code, 1, 8), state, stop"),
        ("INSERT INTO command_eventtally (district, kind, hour, events) "
        f"SELECT substr(b.code, 1, 8), e.kind, {_hour('e.occurred_at')}, count(*) "
        "FROM custody_custodyevent e JOIN custody_box b ON b.id = e.box_id "
        f"WHERE e.kind = 'sealed' OR (e.kind = 'arrived' AND {_position('e.place')} > 0) "
        f"GROUP BY substr(b.code, 1, 8), e.kind, {_hour('e.occurred_at')}"),
        ("INSERT INTO command_alerttally (district, severity, status, alerts) "
        "SELECT substr(b.code, 1, 8), a.severity, a.status, count(*) "
        "FROM custody_alert a JOIN custody_box b ON b.id = a.box_id "
        "GROUP BY substr(b.code, 1, 8), a.severity, a.status"),
    ]


def _installed() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'command%' AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'command%'"
            )
        return cursor.fetchone()[0]


@transaction.atomic
def install() -> None:
    """Create any missing trigger and rebuild the tallies; checked after every migrate (apps.py).

    After every migrate, because SQLite drops a table's triggers when a migration rebuilds
    the table to alter it: the tallies missed those writes, so they are rebuilt too.
    """
    if connection.vendor == "postgresql":
        triggers = [t for t in POSTGRES_TRIGGERS if t.startswith("CREATE TRIGGER")]
        expected, statements = len(triggers), [*DROP_POSTGRES, *POSTGRES_TRIGGERS]
    else:
        expected, statements = len(SQLITE_TRIGGERS), [*DROP_SQLITE, *SQLITE_TRIGGERS]
    if _installed() == expected:
        return
    with connection.cursor() as cursor:
        for sql in [*statements, *rebuild_statements()]:
            cursor.execute(sql)


@transaction.atomic
def rebuild() -> None:
    """Write the tallies afresh, e.g. after a bulk load that ran with triggers switched off."""
    with connection.cursor() as cursor:
        for sql in rebuild_statements():
            cursor.execute(sql)


# table: (key columns, summed columns)
TABLES = {
    "command_tpstally": (("district",), ("tps", "voters")),
    "command_boxtally": (("district", "state", "stop"), ("boxes",)),
    "command_eventtally": (("district", "kind", "hour"), ("events",)),
    "command_alerttally": (("district", "severity", "status"), ("alerts",)),
}
_folded_at: dict[str, int] = {}


def compact(table: str) -> None:
    """Fold a tally's deltas into one row per key (dropping keys that sum to nothing)."""
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
                return
            cursor.execute(
                f"INSERT INTO {table} ({key_list}, {', '.join(sums)}) "
                f"SELECT {key_list}, {sum_list} FROM {table} WHERE id <= %s "
                f"GROUP BY {key_list} HAVING {nonzero}",
                [top],
            )
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [top])


def compact_if_grown() -> None:
    """Fold the tallies that grew by COMPACT_AFTER rows since this process last folded them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT max(id) FROM {t})" for t in TABLES))
        tops = cursor.fetchone()
    for table, top in zip(TABLES, tops, strict=True):
        if top is not None and top - _folded_at.get(table, 0) > COMPACT_AFTER:
            compact(table)
            _folded_at[table] = top
