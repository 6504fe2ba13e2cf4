"""Signed custody events: verified on arrival, stored in the ledger and its hash, co-signed at
handovers, required when the operation says so, and shown on the box's timeline."""

from django.test import Client

from kawal.custody import verification
from kawal.custody.models import CustodyEvent
from kawal.field import devices
from kawal.operations.models import CustodyRules
from tests.conftest import bearer, logged_in, user
from tests.custody.conftest import journey, tamper
from tests.field.conftest import sign

EVENTS = "/api/v1/custody/events"


def _statuses(response) -> list[str]:
    return [r["status"] for r in response.json()["results"]]


def _handover(route, sender, receiver) -> dict:
    """The journey's PPK → PPS handover, signed by the sender and co-signed by the receiver."""
    handover = {**journey(route)[4], "device": sender.id}
    return {
        **sender.signed(handover),
        "cosignatures": [{"device": receiver.id, "signature": sign(receiver.key, handover)}],
    }


def test_a_signed_event_is_stored_with_its_device_and_signature_and_the_chain_holds(
    phone, route_in_duty
):
    sent = phone.signed(journey(route_in_duty)[0])
    assert _statuses(phone.post(EVENTS, [sent])) == ["accepted"]
    stored = CustodyEvent.objects.get(pk=sent["id"])
    assert (str(stored.device_id), stored.signature) == (phone.id, sent["signature"])
    assert verification.verify(route_in_duty.box).ok


def test_a_resent_signed_event_is_a_duplicate(phone, route_in_duty):
    sent = phone.signed(journey(route_in_duty)[0])
    phone.post(EVENTS, [sent])
    assert _statuses(phone.post(EVENTS, [sent])) == ["duplicate"]


def test_the_chain_commits_to_the_signature(phone, route_in_duty):
    phone.post(EVENTS, [phone.signed(journey(route_in_duty)[0])])
    tamper(route_in_duty, 1, "UPDATE custody_custodyevent SET signature = 'forged'")
    report = verification.verify(route_in_duty.box)
    assert not report.ok and report.broken[0].problem == "content does not match its hash"


def test_an_altered_or_forged_event_is_rejected_and_the_rest_of_the_batch_goes_on(
    phone, enrol, duty, route_in_duty
):
    first, second, third = journey(route_in_duty)[:3]
    altered = {**phone.signed(first), "seals": ["KPU-9999"]}
    thief = enrol(duty.partner)
    forged = {**thief.signed({**second, "device": phone.id}), "device": phone.id}
    response = phone.post(EVENTS, [altered, forged, phone.signed(third)])
    results = response.json()["results"]
    assert _statuses(response) == ["rejected", "rejected", "accepted"]
    for result in results[:2]:
        assert "signature does not match the event" in result["error"]
    assert CustodyEvent.objects.filter(box__code=route_in_duty.box).count() == 1


def test_an_event_signed_by_another_device_than_the_sender_is_rejected(
    phone, enrol, duty, route_in_duty
):
    other = enrol(duty.partner)
    [result] = phone.post(EVENTS, [other.signed(journey(route_in_duty)[0])]).json()["results"]
    assert "is not the device sending this event" in result["error"]


def test_a_handover_cosigned_by_a_second_device_stores_both_signatures(
    phone, enrol, duty, route_in_duty
):
    receiver = enrol(duty.partner)
    before = [phone.signed(e) for e in journey(route_in_duty)[:4]]
    handover = _handover(route_in_duty, phone, receiver)
    assert _statuses(phone.post(EVENTS, [*before, handover])) == ["accepted"] * 5
    stored = CustodyEvent.objects.get(pk=handover["id"])
    assert stored.cosignatures == handover["cosignatures"]
    assert verification.verify(route_in_duty.box).ok


def test_a_cosignature_from_a_revoked_device_is_rejected(phone, enrol, duty, route_in_duty):
    receiver = enrol(duty.partner)
    handover = _handover(route_in_duty, phone, receiver)
    devices.revoke(receiver.device.pk, actor=user("komandan"))
    [result] = phone.post(EVENTS, [handover]).json()["results"]
    assert result["status"] == "rejected"
    assert f"unknown or revoked device {receiver.id}" in result["error"]


def test_only_a_handover_is_cosigned(phone, enrol, duty, route_in_duty):
    receiver = enrol(duty.partner)
    departure = {**journey(route_in_duty)[0], "device": phone.id}
    sent = {
        **phone.signed(departure),
        "cosignatures": [{"device": receiver.id, "signature": sign(receiver.key, departure)}],
    }  # fmt: skip
    [result] = phone.post(EVENTS, [sent]).json()["results"]
    assert "only a handover (handed_over) is co-signed" in result["error"]


def test_a_revoked_device_can_no_longer_send_events(phone, route_in_duty):
    devices.revoke(phone.device.pk, actor=user("komandan"))
    response = phone.post(EVENTS, [phone.signed(journey(route_in_duty)[0])])
    assert response.status_code == 401
    assert not CustodyEvent.objects.filter(box__code=route_in_duty.box).exists()


def test_unsigned_events_from_plain_tokens_stay_accepted_unless_the_operation_requires_signatures(
    phone, demo, route_in_duty
):
    first, second = journey(route_in_duty)[:2]
    plain = Client().post(EVENTS, [first], content_type="application/json", **bearer("petugas"))
    assert _statuses(plain) == ["accepted"]
    CustodyRules.objects.filter(operation=demo).update(require_signatures=True)
    refused = Client().post(EVENTS, [second], content_type="application/json", **bearer("petugas"))
    [result] = refused.json()["results"]
    assert result["status"] == "rejected" and "requires signed events" in result["error"]
    assert _statuses(phone.post(EVENTS, [phone.signed(second)])) == ["accepted"]


def test_the_timeline_names_the_signers_for_command_and_counts_them_for_observers(
    phone, enrol, duty, route_in_duty
):
    receiver = enrol(duty.partner)
    before = journey(route_in_duty)[:4]
    Client().post(EVENTS, before, content_type="application/json", **bearer("petugas"))
    phone.post(EVENTS, [_handover(route_in_duty, phone, receiver)])
    url = f"/api/v1/custody/boxes/{route_in_duty.box}"
    events = logged_in("komandan").get(url).json()["events"]
    assert [e["signatures"] for e in events] == [0, 0, 0, 0, 2]
    assert events[4]["signed_by"] == [phone.device.member.name, duty.partner.name]
    observed = logged_in("pemantau").get(url).json()["events"]
    assert observed[4]["signatures"] == 2 and "signed_by" not in observed[4]
    page = logged_in("komandan").get(f"/boxes/{route_in_duty.box}/").content.decode()
    assert duty.partner.name in page and 'data-signatures="2"' in page
    watched = logged_in("pemantau").get(f"/boxes/{route_in_duty.box}/").content.decode()
    assert "ditandatangani perangkat (2)" in watched and duty.partner.name not in watched
