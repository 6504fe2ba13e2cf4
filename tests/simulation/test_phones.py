"""What a simulated phone sends: its records signed as the field app signs them."""

from datetime import UTC, datetime, timedelta

from kawal.field import signatures
from kawal.simulation.journeys import CHECKINS, EVENTS, INCIDENTS
from kawal.simulation.phones import Phone, new_key

EVENT = {
    "id": "6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f", "box": "35.10.01.2001-001-BUP",
    "kind": "departed", "occurred_at": datetime(2024, 11, 23, 0, 5, tzinfo=UTC),
    "place": "35.10", "lat": -8.3, "lng": 114.3, "escorts": ["60000001"],
}  # fmt: skip


def test_an_enrolled_phone_signs_its_events_and_checkins_as_the_server_checks_them():
    key, spki = new_key()
    phone = Phone("kwl_token", "0b4e1c9a-7a4b-4f39-9e6e-2f0d2b8f1a11", key)
    for endpoint in (EVENTS, CHECKINS):
        sent = phone.wire(endpoint, EVENT, timedelta(days=730))
        assert sent["occurred_at"] == "2026-11-23T00:05:00.000+00:00"
        assert sent["device"] == phone.device
        signatures.verify(spki, sent["signature"], signatures.canonical(sent))
        # Sent again, as after a lost answer: the very same signature.
        assert phone.wire(endpoint, EVENT, timedelta(days=730)) == sent


def test_incidents_and_plain_tokens_go_unsigned():
    key, _ = new_key()
    assert "signature" not in Phone("t", "0b4e1c9a-7a4b-4f39-9e6e-2f0d2b8f1a11", key).wire(
        INCIDENTS, EVENT, timedelta(0)
    )
    assert set(Phone("t").wire(EVENTS, EVENT, timedelta(0))) == set(EVENT)
