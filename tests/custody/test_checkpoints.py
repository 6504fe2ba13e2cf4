"""Checkpoints are signed tree heads of the Merkle log of events and audit entries, taken by
hand and when due; the database refuses to change what the log holds."""

import base64
import stat
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.models import AuditEntry
from kawal.custody import checkpoints, log, merkle, signing
from kawal.custody.models import Checkpoint, CustodyEvent
from kawal.operations.models import Stage
from tests.conftest import user
from tests.custody.conftest import journey


def ledger_ingest(route, events):
    from kawal.custody import ledger

    results = ledger.ingest(user("officer"), events)
    assert {r["status"] for r in results} == {"accepted"}, results


def test_events_and_audit_entries_take_consecutive_places_in_the_log(route):
    before = log.size()
    ledger_ingest(route, journey(route)[:3])
    positions = sorted(
        CustodyEvent.objects.filter(box__code=route.box).values_list("position", flat=True)
    )
    assert positions == [before, before + 1, before + 2]
    # The batch's one audit entry comes right after its events.
    assert AuditEntry.objects.get(position=before + 3).action == "custody.ingest"
    assert [e.position for e in log.entries()] == list(range(log.size()))


def test_a_checkpoint_signs_the_head_of_the_whole_log(route):
    ledger_ingest(route, journey(route)[:5])
    taken = checkpoints.take("test")
    # Everything in the log when it was taken: all but its own audit entry.
    leaves = [e.leaf for e in log.entries()]
    assert taken.size == len(leaves) - 1
    assert AuditEntry.objects.get(position=taken.size).target_id == str(taken.pk)
    assert taken.root == merkle.root(leaves[: taken.size]).hex()
    head = signing.open_note(taken.signed, signing.public_bytes())
    assert (head.size, head.root.hex(), head.at) == (taken.size, taken.root, taken.created_at)
    assert taken.digest == f"{taken.size}:{taken.root}"


def test_a_later_checkpoint_extends_the_earlier_one_consistently(route):
    events = journey(route)
    ledger_ingest(route, events[:4])
    first = checkpoints.take("test")
    ledger_ingest(route, events[4:])
    second = checkpoints.take("test")
    leaves = checkpoints.recorded(second.size)
    assert merkle.root(leaves).hex() == second.root
    proof = merkle.consistency_proof(first.size, leaves)
    assert merkle.verify_consistency(
        first.size, second.size, bytes.fromhex(first.root), bytes.fromhex(second.root), proof
    )


def test_an_altered_signed_checkpoint_does_not_open(route):
    taken = checkpoints.take("test")
    forged = taken.signed.replace(f"\n{taken.size}\n", f"\n{taken.size + 1}\n")
    with pytest.raises(ValueError, match="altered"):
        signing.open_note(forged, signing.public_bytes())
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ValueError, match="no signature by this key"):
        signing.open_note(taken.signed, signing.public_bytes(other))


def test_a_checkpoint_falls_due_first_then_as_events_arrive_and_at_a_stages_end(route, demo):
    stage = Stage.objects.filter(operation=demo).order_by("ends_at").first()
    at = stage.ends_at - timedelta(hours=1)
    assert checkpoints.due(at) == "the first"
    checkpoints.take("test", now=at)
    assert checkpoints.due(at + timedelta(minutes=1)) == ""
    ledger_ingest(route, journey(route)[:1])
    assert checkpoints.due(at + timedelta(minutes=1)) == ""
    assert checkpoints.due(at + timedelta(minutes=59)) == "events arrived"
    assert checkpoints.due(stage.ends_at) == f"the end of stage {stage.kind}"
    checkpoints.take_if_due()
    assert Checkpoint.objects.count() == 2
    assert checkpoints.take_if_due() is None


def test_the_key_is_made_once_and_kept_readable_by_its_owner_only(settings, tmp_path):
    settings.DATA_DIR, settings.LEDGER_KEY = tmp_path, ""
    signing.private_key.cache_clear()
    try:
        made = signing.public_key()
        assert stat.S_IMODE((tmp_path / signing.KEY_FILE).stat().st_mode) == 0o600
        signing.private_key.cache_clear()
        assert signing.public_key() == made
        key = Ed25519PrivateKey.generate()
        settings.LEDGER_KEY = base64.b64encode(key.private_bytes_raw()).decode()
        signing.private_key.cache_clear()
        assert signing.public_bytes() == signing.public_bytes(key.public_key())
    finally:
        signing.private_key.cache_clear()


def test_the_checkpoint_command_prints_the_digest_the_key_the_text_and_a_qr_code(route, capsys):
    ledger_ingest(route, journey(route)[:3])
    call_command("checkpoint")
    out = capsys.readouterr().out
    taken = checkpoints.latest()
    assert f"kawal verify --against {taken.digest}" in out
    assert signing.public_key() in out
    assert taken.signed in out
    assert "\u2580" in out or "\u2584" in out  # the QR code's half blocks
    call_command("checkpoint", latest=True)
    assert taken.signed in capsys.readouterr().out
    assert Checkpoint.objects.count() == 1


# --- the database refuses ------------------------------------------------------------


def _refused(sql: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_to_update_or_delete_events_checkpoints_and_audit_entries(route):
    ledger_ingest(route, journey(route)[:2])
    taken = checkpoints.take("test")
    event = CustodyEvent.objects.filter(box__code=route.box).first()
    entry = AuditEntry.objects.order_by("-position").first()
    pk = CustodyEvent._meta.pk.get_db_prep_value(event.pk, connection)
    for table, key in (
        ("custody_custodyevent", pk),
        ("custody_checkpoint", taken.pk),
        ("accounts_auditentry", entry.pk),
    ):
        _refused(f"UPDATE {table} SET id = id WHERE id = %s", [key])
        _refused(f"DELETE FROM {table} WHERE id = %s", [key])
    assert CustodyEvent.objects.filter(pk=event.pk).exists()


def test_a_flush_empties_the_append_only_tables_despite_the_triggers_and_puts_them_back(
    transactional_db,
):
    audit.record("test.before_flush", actor=None)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.filter(action="test.before_flush").exists()
    audit.record("test.after_flush", actor=None)
    assert [e.position for e in log.entries()] == list(range(log.size()))
    entry = AuditEntry.objects.get(action="test.after_flush")
    _refused("DELETE FROM accounts_auditentry WHERE id = %s", [entry.pk])


def test_verify_against_refuses_a_malformed_digest(db):
    with pytest.raises(CommandError, match="SIZE:ROOT"):
        call_command("verify", against="not-a-digest")


def test_a_checkpoint_signs_its_time_in_utc_to_the_second(route):
    taken = checkpoints.take("test", now=timezone.now())
    assert taken.created_at.microsecond == 0
    assert taken.signed.splitlines()[3] == f"time {taken.created_at:%Y-%m-%dT%H:%M:%SZ}"


def test_serve_refuses_to_start_without_the_checkpoint_key(settings):
    settings.SECRET_KEY, settings.DEBUG, settings.LEDGER_KEY = "a real secret", False, ""
    with pytest.raises(CommandError, match="KAWAL_LEDGER_KEY"):
        call_command("serve")
