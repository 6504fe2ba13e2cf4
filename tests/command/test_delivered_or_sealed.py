"""The two forms of "delivered or sealed" (SQL for the tallies, ORM for the board) agree."""

import uuid
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Sum

from kawal.command import delivered_or_sealed
from kawal.command.models import EventTally
from kawal.custody import log
from kawal.custody.models import Box, CustodyEvent
from tests.conftest import user

TPS = "35.10.01.2001-001"
# A place at every level an event can happen: the KPU (regency), a PPK, a PPS and a TPS.
PLACES = ("35.10", "35.10.01", "35.10.01.2001", TPS)
FIRST_SEQ = 100_000  # past any event the demo recorded


def _every_kind_at_every_place(box: Box) -> None:
    at = datetime(2024, 11, 27, 10, tzinfo=UTC)
    first = log.size()  # each event's place in the custody log
    CustodyEvent.objects.bulk_create(
        CustodyEvent(
            id=uuid.uuid4(), box=box, seq=FIRST_SEQ + n, kind=kind, place=place,
            occurred_at=at, received_at=at, recorded_by=user("komandan"),
            prev_hash="0" * 64, hash=f"{n:064d}", position=first + n,
        )
        for n, (kind, place) in enumerate(
            (kind, place) for kind in CustodyEvent.Kind.values for place in PLACES
        )
    )


def _tallied(kind: str) -> int:
    rows = EventTally.objects.filter(area="35.10.01", depth=8, kind=kind)
    return rows.aggregate(n=Sum("events"))["n"] or 0


def test_the_sql_and_orm_forms_pick_the_same_events_of_every_kind_and_place(demo):
    box = Box.objects.get(code=f"{TPS}-BUP")
    before = {kind: _tallied(kind) for kind in CustodyEvent.Kind.values}
    _every_kind_at_every_place(box)

    ours = CustodyEvent.objects.filter(box=box, seq__gte=FIRST_SEQ)
    by_orm = set(ours.filter(delivered_or_sealed.matches()).values_list("kind", "place"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.kind, e.place FROM custody_custodyevent e "
            f"WHERE e.box_id = {box.pk} AND e.seq >= {FIRST_SEQ} AND {delivered_or_sealed.sql('e')}"
        )
        by_sql = set(cursor.fetchall())
    by_trigger = {kind: _tallied(kind) - before[kind] for kind in CustodyEvent.Kind.values}

    assert by_orm == by_sql == {("sealed", place) for place in PLACES} | {("arrived", TPS)}
    assert by_trigger == {kind: sum(1 for k, _ in by_orm if k == kind)
                          for kind in CustodyEvent.Kind.values}
