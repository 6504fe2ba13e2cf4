"""`kawal verify` names the first broken link per box; checkpoints prove append-only history."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kawal.custody import ledger, verification
from kawal.custody.models import CustodyEvent
from tests.conftest import user
from tests.custody.conftest import journey, tamper


def test_an_untouched_ledger_verifies(route):
    ledger.ingest(user("officer"), journey(route))
    report = verification.verify()
    assert report.ok
    assert report.events >= 15


def test_verify_names_the_event_edited_behind_the_orms_back(route):
    ledger.ingest(user("officer"), journey(route))
    edited = CustodyEvent.objects.get(box__code=route.box, seq=7)
    tamper(route, 7, "UPDATE custody_custodyevent SET place = %s", route.district)
    [broken] = verification.verify(route.regency).broken
    assert broken.box == route.box
    assert broken.event == str(edited.id)
    assert broken.tampered == [str(edited.id)]


def test_verify_notices_events_cut_off_the_end_of_a_chain(route):
    ledger.ingest(user("officer"), journey(route))
    tamper(route, 15, "DELETE FROM custody_custodyevent")
    [broken] = verification.verify(route.regency).broken
    assert "events are missing" in broken.problem


def test_verify_names_the_first_link_after_a_removed_event(route):
    ledger.ingest(user("officer"), journey(route))
    tamper(route, 4, "DELETE FROM custody_custodyevent")
    [broken] = verification.verify(route.regency).broken
    assert broken.seq == 5
    assert broken.problem == "seq 5 follows seq 3"


def test_the_verify_command_fails_loudly_on_a_broken_chain(route, capsys):
    ledger.ingest(user("officer"), journey(route))
    call_command("verify")
    assert "every chain verifies" in capsys.readouterr().out
    tamper(route, 2, "UPDATE custody_custodyevent SET note = 'x'")
    with pytest.raises(CommandError):
        call_command("verify")
    assert f"BROKEN {route.box} at seq 2" in capsys.readouterr().out


def test_a_checkpoint_shows_history_since_was_only_appended_to(route):
    events = journey(route)
    ledger.ingest(user("officer"), events[:5])
    taken = verification.checkpoint()
    ledger.ingest(user("officer"), events[5:])
    result = verification.since(taken.digest)
    assert result.append_only, result.problems


def test_a_checkpoint_catches_history_rewritten_with_fresh_hashes(route):
    """An administrator who edits an event and rehashes the chain still can't hide it."""
    events = journey(route)
    ledger.ingest(user("officer"), events[:5])
    taken = verification.checkpoint()
    tamper(route, None, "DELETE FROM custody_custodyevent")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE custody_box SET head_seq = 0, head_hash = '', state = 'at_kpu_warehouse', "
            "stop = 'kpu', expected_by = NULL, last_occurred_at = NULL WHERE code = %s",
            [route.box],
        )
    rewritten = [{**e, "note": "rewritten"} if i == 1 else e for i, e in enumerate(events[:5])]
    ledger.ingest(user("officer"), rewritten)
    assert verification.verify(route.regency).ok
    result = verification.since(taken.digest)
    assert not result.append_only
    assert any(route.box in p for p in result.problems)


def test_the_checkpoint_command_prints_a_digest_and_checks_it(route, capsys):
    ledger.ingest(user("officer"), journey(route)[:3])
    call_command("checkpoint")
    digest = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(digest) == 64
    call_command("checkpoint", since=digest)
    assert "APPEND-ONLY" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("checkpoint", since="0" * 64)
