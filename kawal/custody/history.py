"""A replayed box's stored events and alerts, read raw for judging (custody/judging.py).

When late events land before others, judging folds the box again from every event it holds
and weighs the alerts it has. Django's conversion of each value (datetimes, JSON, UUIDs)
cost more than the fold itself, so these read plain tuples through a cursor, only the
columns judging reads: ids as the text `str(uuid)` gives, as states.Fact keeps them, and
each distinct seals list decoded once. Every query names the boxes' regencies, the shard
key, and their ids (docs/deploy.md). tests/custody/test_history.py holds both reads to the
ORM's, on SQLite and PostgreSQL.
"""

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC
from typing import NamedTuple

from django.db import connection

from kawal import raw_reads
from kawal.custody import states
from kawal.custody.columns import dashed
from kawal.custody.models import Alert, Box, CustodyEvent


class Raised(NamedTuple):
    """A stored alert, whatever its status, as a replay weighs it."""

    id: int
    event_id: str | None
    rule: str
    severity: str
    status: str


def facts(boxes: Sequence[Box]) -> dict[str, list[states.Fact]]:
    """Every stored event of `boxes`, by box code, in chain order, as the fold reads it."""
    found: dict[str, list[states.Fact]] = defaultdict(list)
    sqlite = connection.vendor == "sqlite"
    # Naive UTC on both: PostgreSQL's driver reads a plain timestamp several times cheaper
    # than a timestamptz, which Django's loader moves into the connection's zone in Python.
    occurred = "occurred_at" if sqlite else "occurred_at AT TIME ZONE 'UTC'"
    rows = _select(
        f"box_id, CAST(id AS TEXT), kind, {occurred}, place, seals, CAST(corrects_id AS TEXT)",
        CustodyEvent._meta.db_table, boxes, "ORDER BY box_id, seq",
    )  # fmt: skip
    codes = {b.pk: b.code for b in boxes}
    decoded: dict[str, tuple[str, ...]] = {}
    for box_id, event_id, kind, occurred_at, place, seals, corrects in rows:
        if sqlite:
            # SQLite keeps UUIDs as bare hex.
            event_id = dashed(event_id)
            corrects = dashed(corrects) if corrects else None
        recorded = decoded.get(seals)
        if recorded is None:
            recorded = decoded[seals] = tuple(json.loads(seals))
        found[codes[box_id]].append(
            states.Fact(
                event_id, kind, occurred_at.replace(tzinfo=UTC), place, recorded, corrects
            )
        )
    return found


def alerts(boxes: Sequence[Box]) -> dict[str, list[Raised]]:
    """Every stored alert of `boxes`, whatever its status, by box code."""
    found: dict[str, list[Raised]] = defaultdict(list)
    rows = _select(
        "box_id, id, CAST(event_id AS TEXT), rule, severity, status", Alert._meta.db_table, boxes
    )
    codes = {b.pk: b.code for b in boxes}
    sqlite = connection.vendor == "sqlite"
    for box_id, alert_id, event_id, rule, severity, status in rows:
        if sqlite and event_id:
            event_id = dashed(event_id)
        found[codes[box_id]].append(Raised(alert_id, event_id, rule, severity, status))
    return found


def _select(columns: str, table: str, boxes: Sequence[Box], tail: str = "") -> list[tuple]:
    if not boxes:
        return []
    regencies = sorted({b.regency for b in boxes})
    ids = [b.pk for b in boxes]
    sql = (
        f"SELECT {columns} FROM {table} WHERE regency IN ({raw_reads.marks(regencies)}) "
        f"AND box_id IN ({raw_reads.marks(ids)}) {tail}"
    )
    with raw_reads.cursor() as cursor:
        cursor.execute(sql, [*regencies, *ids])
        return cursor.fetchall()
