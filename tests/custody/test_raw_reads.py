"""The ledger's plain-SQL reads give back what the ORM gives back, on both databases."""

from kawal import raw_reads
from kawal.custody import ledger
from kawal.custody.models import Box, CustodyEvent
from kawal.personnel.models import Member
from tests.conftest import user
from tests.custody.conftest import journey


def _fields(instance, model):
    return {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}


def test_a_locked_box_reads_as_the_orm_reads_it(route):
    ledger.ingest(user("officer"), journey(route)[:10])  # sealed and on its way: seals, a due time
    (raw,) = raw_reads.instances(Box, "code = %s", [route.box], lock=True)
    orm = Box.objects.get(code=route.box)
    assert _fields(raw, Box) == _fields(orm, Box)
    assert raw.seals and raw.expected_by is not None and raw.expected_by.tzinfo is not None
    assert not raw._state.adding  # saved like any instance the ORM read


def test_every_event_column_reads_as_the_orm_reads_it(route):
    ledger.ingest(user("officer"), journey(route))
    fields = raw_reads.concrete(CustodyEvent)
    columns = ", ".join(f.column for f in fields)
    rows = raw_reads.fetch(
        f"SELECT {columns} FROM custody_custodyevent WHERE regency = %s ORDER BY seq",
        [route.regency],
        fields,
    )
    orm = CustodyEvent.objects.filter(regency=route.regency).order_by("seq")
    assert rows == [tuple(_fields(e, CustodyEvent).values()) for e in orm]
    assert len(rows) == 15


def test_uuids_are_looked_up_in_the_form_the_database_stores(route):
    items = journey(route)[:2]
    ledger.ingest(user("officer"), items)
    stored = CustodyEvent.objects.filter(regency=route.regency).values_list("id", flat=True)
    pk = CustodyEvent._meta.pk
    found = raw_reads.fetch(
        f"SELECT id FROM custody_custodyevent WHERE id IN ({raw_reads.marks(stored)})",
        raw_reads.db_values(pk, stored),
        [pk],
    )
    assert {row[0] for row in found} == set(stored)


def test_without_fields_a_row_is_what_the_driver_gives(route):
    nrp = route.polri
    (row,) = raw_reads.fetch(
        "SELECT nrp, force, region_id FROM personnel_member WHERE nrp = %s", [nrp]
    )
    assert row == tuple(Member.objects.filter(nrp=nrp).values_list("nrp", "force", "region_id")[0])
