"""`kawal verify --against DIGEST` names every edit that someone with the database owner's
rights makes in SQL, once any checkpoint covers what was there: the chain check alone misses
a chain cut short or rewritten together with its box's head."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kawal.accounts.models import AuditEntry
from kawal.custody import append_only, checkpoints, columns, ledger, verification
from kawal.custody.models import CustodyEvent
from tests.conftest import user
from tests.custody.conftest import journey, tamper


@pytest.fixture
def covered(route):
    """Two boxes' journeys so far, and a checkpoint over them kept outside the database."""
    ledger.ingest(user("officer"), journey(route)[:8])
    return checkpoints.take("test").digest


def _event(route, seq: int) -> CustodyEvent:
    return CustodyEvent.objects.get(box__code=route.box, seq=seq)


def _what(event: CustodyEvent) -> str:
    return f"event {event.id} (box {event.box.code} seq {event.seq})"


def _sql(statement: str, params: list | None = None) -> None:
    append_only.drop()  # as the database's owner can
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _first_problem(digest: str) -> str:
    result = verification.against(digest)
    assert not result.ok
    return result.problems[0]


def test_a_ledger_only_appended_to_holds_the_checkpoint_with_a_consistency_proof(
    route, covered, capsys
):
    ledger.ingest(user("officer"), journey(route)[8:])
    result = verification.against(covered)
    assert result.ok, result.problems
    assert result.now_size > result.size
    assert result.proof
    call_command("verify", against=covered)
    assert "CONSISTENT" in capsys.readouterr().out


def test_an_edited_field_is_named(route, covered):
    edited = _event(route, 3)
    tamper(route, 3, "UPDATE custody_custodyevent SET document = 'BA-FORGED'")
    assert _first_problem(covered) == (
        f"position {edited.position}: {_what(edited)} is not what the checkpoint covered"
    )


def test_the_last_event_of_a_chain_deleted_with_its_head_reset_is_named(route, covered):
    last = _event(route, 8)
    tamper(route, 8, "DELETE FROM custody_custodyevent")
    _sql(
        "UPDATE custody_box SET head_seq = 7, head_hash = %s WHERE code = %s",
        [_event(route, 7).hash, route.box],
    )
    assert verification.verify(route.box).ok  # the chain alone looks whole
    assert _first_problem(covered) == (
        f"position {last.position}: missing: what the checkpoint covered was deleted"
    )


def test_a_whole_chain_deleted_is_named_from_its_first_event(route, covered):
    first = _event(route, 1)
    tamper(route, None, "DELETE FROM custody_custodyevent")
    _sql("UPDATE custody_box SET head_seq = 0, head_hash = '' WHERE code = %s", [route.box])
    assert verification.verify(route.box).ok
    assert _first_problem(covered) == (
        f"position {first.position}: missing: what the checkpoint covered was deleted"
    )


def test_an_event_inserted_into_covered_history_is_named(route, covered):
    at = _event(route, 4).position
    shift = 1_000_000  # in two steps, past the unique positions
    for table in ("custody_custodyevent", "accounts_auditentry"):
        _sql(f"UPDATE {table} SET position = position + {shift} WHERE position >= %s", [at])
        _sql(f"UPDATE {table} SET position = position - {shift - 1} WHERE position >= {shift}")
    forged = uuid.uuid4()
    names = [c.db_column for c in columns.EVENT]
    chosen = {"id": "%s", "seq": "99", "position": "%s", "note": "'forged'"}
    _sql(
        f"INSERT INTO custody_custodyevent ({', '.join(names)}) "
        f"SELECT {', '.join(chosen.get(n, n) for n in names)} FROM custody_custodyevent "
        "WHERE id = %s",
        [
            CustodyEvent._meta.pk.get_db_prep_value(forged, connection),
            at,
            CustodyEvent._meta.pk.get_db_prep_value(_event(route, 3).id, connection),
        ],
    )
    inserted = CustodyEvent.objects.get(pk=forged)
    assert _first_problem(covered) == (
        f"position {at}: {_what(inserted)} stands where the checkpoint had what is now at "
        f"position {at + 1}: something before it was inserted or deleted"
    )


def test_a_chain_rewritten_with_its_head_is_named(route, covered):
    """Delete the box's chain, reset the box, and send a rewritten history through the
    ledger: every hash is fresh and every chain verifies, but the checkpoint remembers."""
    first = _event(route, 1)
    tamper(route, None, "DELETE FROM custody_custodyevent")
    _sql(
        "UPDATE custody_box SET head_seq = 0, head_hash = '', state = 'at_kpu_warehouse', "
        "stop = 'kpu', expected_by = NULL, last_occurred_at = NULL WHERE code = %s",
        [route.box],
    )
    rewritten = [{**e, "id": str(uuid.uuid4()), "note": "rewritten"} for e in journey(route)[:8]]
    ledger.ingest(user("officer"), rewritten)
    assert verification.verify(route.box).ok
    assert _first_problem(covered) == (
        f"position {first.position}: missing: what the checkpoint covered was deleted"
    )


def test_a_deleted_audit_entry_is_named(route, covered):
    entry = AuditEntry.objects.filter(action="custody.ingest").order_by("-position").first()
    _sql("DELETE FROM accounts_auditentry WHERE id = %s", [entry.pk])
    assert _first_problem(covered) == (
        f"position {entry.position}: missing: what the checkpoint covered was deleted"
    )


def test_a_checkpoint_rewritten_too_still_fails_the_digest_held_outside(route, covered):
    """Someone who rewrites an event and the stored checkpoints can't match a printed root."""
    tamper(route, 2, "UPDATE custody_custodyevent SET note = 'x'")
    _sql("DELETE FROM custody_checkpoint")
    forged = checkpoints.take("forged")
    assert forged.digest != covered
    problem = _first_problem(covered)
    assert problem.startswith("the checkpoints' record of the leaves was altered too")


def test_the_command_fails_naming_the_change(route, covered, capsys):
    edited = _event(route, 5)
    tamper(route, 5, "UPDATE custody_custodyevent SET document = 'BA-2'")
    with pytest.raises(CommandError, match="no longer holds"):
        call_command("verify", against=covered)
    assert f"CHANGED position {edited.position}: {_what(edited)}" in capsys.readouterr().out


def test_a_root_alone_is_looked_up_among_the_stored_checkpoints(route, covered):
    root = covered.split(":")[1]
    assert verification.against(root).ok
    missing = verification.against("0" * 64)
    assert not missing.ok
    assert "give SIZE:ROOT" in missing.problems[0]


def test_a_stored_checkpoint_whose_signature_no_longer_checks_is_named(route, covered):
    size, root = covered.split(":")
    _sql(
        "UPDATE custody_checkpoint SET signed = replace(signed, %s, %s) WHERE root = %s",
        [f"\n{size}\n", f"\n{int(size) + 1}\n", root],
    )
    [problem] = verification.against(root).problems
    assert problem == (
        f"the stored checkpoint {covered} is not signed by this key: "
        "the signature does not match the text: it was altered"
    )


def test_an_edited_audit_entry_is_named(route, covered):
    entry = AuditEntry.objects.filter(action="custody.ingest").order_by("-position").first()
    _sql("UPDATE accounts_auditentry SET details = %s WHERE id = %s", ['{"accepted": 0}', entry.pk])
    assert _first_problem(covered) == (
        f"position {entry.position}: audit entry {entry.pk} (custody.ingest) is not what the "
        "checkpoint covered"
    )
