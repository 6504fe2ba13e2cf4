"""The log's append on PostgreSQL ends the ledger's transaction in the same round trip as its
statement (raw_reads.commit_with): what the transaction wrote is committed when the
statement returns, and a statement that fails leaves nothing of the transaction behind."""

import psycopg
import pytest
from django.db import DataError, connection, transaction

from kawal import raw_reads
from kawal.accounts import audit
from kawal.accounts.models import AuditEntry
from kawal.custody import log
from tests.conftest import ON_POSTGRES

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="SQLite's transactions end at the block's end: nothing to send along"
    ),
]


def _seen_elsewhere(action: str) -> bool:
    """Whether another session sees an audit entry of `action`: whether it is committed."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
        port=settings["PORT"] or 5432,
    ) as other:  # fmt: skip
        found = other.execute(
            "SELECT count(*) FROM accounts_auditentry WHERE action = %s", [action]
        ).fetchone()
    return bool(found and found[0])


def test_the_transaction_is_committed_when_its_last_statement_returns(transactional_db):
    with transaction.atomic():
        audit.record("test.written", actor=None)
        assert raw_reads.outermost()
        assert not _seen_elsewhere("test.written")
        (size,) = raw_reads.commit_with(f"SELECT size FROM {log.HEAD}()", [], commit=True)
        assert _seen_elsewhere("test.written")
    assert size == log.size()
    audit.record("test.after", actor=None)  # the connection goes on as before
    assert [e.action for e in AuditEntry.objects.order_by("position")][-2:] == [
        "test.written", "test.after",
    ]  # fmt: skip
    assert audit.verify() == []


def test_a_failing_last_statement_leaves_nothing_of_its_transaction(transactional_db):
    with pytest.raises(DataError), transaction.atomic():
        audit.record("test.lost", actor=None)
        raw_reads.commit_with("SELECT 1 / 0", [], commit=True)
    assert not AuditEntry.objects.filter(action="test.lost").exists()
    assert audit.record("test.after", actor=None).position == log.size() - 1


def test_inside_a_callers_transaction_it_commits_nothing(db):
    with transaction.atomic():
        audit.record("test.nested", actor=None)
        assert not raw_reads.outermost()  # the test's own transaction holds this one
        raw_reads.commit_with("SELECT 1", [], commit=raw_reads.outermost())
    assert not _seen_elsewhere("test.nested")
