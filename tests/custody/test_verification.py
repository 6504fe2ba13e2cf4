"""`kawal verify` recomputes every chain and names every problem in it."""

import pytest
from django.core.management import CommandError, call_command

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
    assert broken.problem == "content does not match its hash"


def test_verify_keeps_checking_a_chain_after_its_first_broken_link(route):
    ledger.ingest(user("officer"), journey(route))
    edited = CustodyEvent.objects.get(box__code=route.box, seq=2)
    tamper(route, 2, "UPDATE custody_custodyevent SET note = 'x'")
    tamper(route, 9, "DELETE FROM custody_custodyevent")
    tamper(route, 15, "DELETE FROM custody_custodyevent")
    problems = [(b.seq, b.event, b.problem) for b in verification.verify(route.regency).broken]
    assert problems == [
        (2, str(edited.id), "content does not match its hash"),
        (10, str(CustodyEvent.objects.get(box__code=route.box, seq=10).id), "seq 10 follows seq 8"),
        (14, None, "the chain ends at seq 14 but the box's head is seq 15: events are missing"),
    ]


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
