"""An audit entry's insert by hand stores what the ORM reads back, and an entry given the log
position its caller took (audit.append(entry, position)) gets that place, its chain unbroken,
as does the entry the ledger appends after a batch (custody/bulk.append)."""

from django.db import transaction

from kawal.accounts import audit
from kawal.accounts.models import AuditEntry
from kawal.custody import bulk, log
from tests.conftest import user


def fields(row: AuditEntry) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def test_what_is_inserted_is_what_the_orm_reads_back(small):
    entry = audit.record(
        "test.stored", user("commander"), actor=user("administrator"),
        note="segel rusak — ✓", weight=1.5, nested={"a": [1, None, True]},
    )  # fmt: skip
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert fields(stored) == fields(entry)
    assert stored.at == entry.at and stored.at.tzinfo is not None
    assert audit.verify() == []


def test_an_entry_takes_the_position_its_caller_took(small):
    audit.record("test.first", actor=None)
    with transaction.atomic():
        taken = log.next_position()
        given = audit.append(audit.entry("test.given", actor=user("commander")), taken)
    after = audit.record("test.after", actor=None)
    assert given.position == taken
    assert after.position == taken + 1 == log.size() - 1
    assert after.prev_hash == given.hash
    assert [e.action for e in AuditEntry.objects.order_by("position")][-3:] == [
        "test.first", "test.given", "test.after",
    ]  # fmt: skip
    assert audit.verify() == []


def test_ids_follow_one_another_whoever_takes_the_position(small):
    first = audit.record("test.first", actor=None)
    with transaction.atomic():
        second = audit.append(audit.entry("test.second", actor=None), log.next_position())
    assert second.id == first.id + 1
    assert fields(AuditEntry.objects.get(pk=second.pk)) == fields(second)


def test_an_entry_appended_after_a_batch_links_as_chain_linked_does_whatever_its_text(small):
    # On PostgreSQL its hash is computed in the append's statement itself (custody/bulk.py).
    audit.record("test.before", actor=None)
    with transaction.atomic():
        entry = audit.entry("test.text", actor=user("officer"), note="segel rusak — ✓ ñ 🗳 \"q\"")
        bulk.append([], entry)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert fields(stored) == fields(entry)
    assert stored.position == log.size() - 1
    assert audit.verify() == []
