"""The audit log is a hash chain like a box's: each entry commits to the one before it, so
an entry edited or taken out in SQL is named by `kawal verify`."""

from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kawal.accounts import audit
from kawal.accounts.models import AuditEntry
from kawal.custody import append_only, chain, log


@pytest.fixture
def entries(small) -> list[AuditEntry]:
    for n in range(4):
        audit.record("test.step", small.tps[n], actor=None, n=n)
    return list(AuditEntry.objects.order_by("position"))


def _sql(statement: str, params: list) -> None:
    append_only.drop()  # as the database's owner can
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_entry_links_to_the_one_before_it_over_what_is_stored(entries):
    assert entries[0].prev_hash == chain.GENESIS
    for before, entry in pairwise(entries):
        assert entry.prev_hash == before.hash
    stored = AuditEntry.objects.filter(pk=entries[2].pk).values(*log.AUDIT_FIELDS).get()
    assert chain.linked(entries[2].prev_hash, log.audit_canonical(stored)) == entries[2].hash
    assert audit.verify() == []


def test_an_edited_entry_is_named(entries):
    edited = entries[1]
    _sql("UPDATE accounts_auditentry SET details = %s WHERE id = %s", ['{"n": 9}', edited.pk])
    assert [(b.entry, b.problem) for b in audit.verify()] == [
        (edited.pk, "content does not match its hash")
    ]


def test_an_entry_taken_out_of_the_middle_is_named_at_the_one_after_it(entries):
    _sql("DELETE FROM accounts_auditentry WHERE id = %s", [entries[1].pk])
    assert [(b.entry, b.problem) for b in audit.verify()] == [
        (entries[2].pk, "prev_hash is not the hash of the entry before")
    ]


def test_kawal_verify_fails_naming_the_broken_audit_entry(entries, capsys):
    _sql("UPDATE accounts_auditentry SET action = 'test.other' WHERE id = %s", [entries[3].pk])
    with pytest.raises(CommandError, match="problem"):
        call_command("verify")
    assert (
        f"BROKEN audit entry {entries[3].pk} at position {entries[3].position}: "
        "content does not match its hash"
    ) in capsys.readouterr().out


def test_kawal_verify_passes_an_untouched_log(entries, capsys):
    call_command("verify")
    assert "every chain verifies, and so does the audit log's" in capsys.readouterr().out



def test_details_are_hashed_as_both_databases_store_them(small):
    odd = [-0.0, 1e20, 1e-7, 0.1, 2.0, 10**30, "nul\x00 and \ud800", {"b": 1, "a": [1.5]}]
    entry = audit.record("test.odd", actor=None, values=odd, name="x\x00")
    stored = AuditEntry.objects.get(pk=entry.pk).details
    assert stored == entry.details
    assert stored["values"][:2] == [0.0, 10**20] and "\x00" not in stored["name"]
    assert audit.verify() == []
