"""The incident workflow's move table, without a database."""

import pytest

from kawal.incidents.workflow import Invalid, Refused, allowed, move


def test_an_incident_goes_reported_handled_closed_and_back_when_reopened():
    handled = move("handle", status="reported", severity="low", acknowledged=False, note="cek")
    closed = move("close", status=handled.status, severity="low", acknowledged=True, note="ok")
    reopened = move("reopen", status=closed.status, severity="low", acknowledged=True, note="lagi")
    assert (handled.status, closed.status, reopened.status) == ("handled", "closed", "reported")


@pytest.mark.parametrize(
    "action, status",
    [
        ("close", "reported"),
        ("handle", "handled"),
        ("handle", "closed"),
        ("reopen", "reported"),
        ("reopen", "handled"),
        ("close", "closed"),
    ],
)
def test_a_move_from_the_wrong_status_is_refused(action, status):
    with pytest.raises(Refused, match=f"that is {status} cannot be"):
        move(action, status=status, severity="high", acknowledged=True, note="x")


def test_every_move_needs_a_note():
    with pytest.raises(Invalid, match="note is required"):
        move("handle", status="reported", severity="low", acknowledged=False, note="  ")


def test_an_unknown_action_is_invalid():
    with pytest.raises(Invalid, match="action must be one of"):
        move("delete", status="reported", severity="low", acknowledged=False, note="x")


def test_only_an_escalated_critical_incident_is_acknowledged():
    done = move("acknowledge", status="reported", severity="critical", acknowledged=False, note="x")
    assert done.status == "reported" and done.acknowledges
    with pytest.raises(Refused, match="only an escalated critical incident"):
        move("acknowledge", status="reported", severity="critical", acknowledged=True, note="x")
    with pytest.raises(Refused, match="only an escalated critical incident"):
        move("acknowledge", status="reported", severity="high", acknowledged=False, note="x")


def test_handling_a_critical_incident_acknowledges_it_too():
    done = move("handle", status="reported", severity="critical", acknowledged=False, note="x")
    assert done.acknowledges


def test_the_page_offers_only_the_moves_the_table_allows():
    assert allowed(status="reported", severity="critical", acknowledged=False) == [
        "acknowledge",
        "handle",
    ]
    assert allowed(status="reported", severity="low", acknowledged=False) == ["handle"]
    assert allowed(status="handled", severity="low", acknowledged=True) == ["close"]
    assert allowed(status="closed", severity="critical", acknowledged=True) == ["reopen"]
