"""A record's signature and co-signatures, checked against the enrolled devices."""

import pytest

from kawal.field import devices, signatures, signers
from kawal.field.signatures import BadSignature
from tests.conftest import user
from tests.field.conftest import new_key, sign

HANDOVER = {
    "id": "0b8f8f4e-7c1d-4c8a-9a57-2d3e4f5a6b7c",
    "box": "35.10.16.1001-001-BUP",
    "kind": "handed_over",
    "occurred_at": "2024-11-27T12:45:00.000Z",
    "place": "35.10.16.1001",
    "from_party": "KPPS",
    "to_party": "PPS",
}


@pytest.fixture
def pair(enrol, duty):
    """The sender's phone and the receiver's (the member's partner)."""
    return enrol(), enrol(duty.partner)


def _cosigned(sender, receiver) -> dict:
    event = {**HANDOVER, "device": sender.id}
    return {
        **event,
        "signature": sign(sender.key, event),
        "cosignatures": [{"device": receiver.id, "signature": sign(receiver.key, event)}],
    }


def _check(item, sender):
    cosigned = signers.cosignatures_of(item.get("cosignatures"))
    found = signers.active([item.get("device"), *(c["device"] for c in cosigned)])
    signers.check(
        signatures.canonical(item), item.get("device"), item.get("signature", ""), cosigned,
        found, sender.id, "event",
    )  # fmt: skip


def test_a_handover_cosigned_by_a_second_device_passes(pair):
    sender, receiver = pair
    _check(_cosigned(sender, receiver), sender)


def test_the_signers_are_named_by_their_members(pair):
    sender, receiver = pair
    found = signers.active([sender.id, receiver.id])
    assert found[receiver.id].member == receiver.device.member.name


def test_a_cosignature_over_other_content_is_refused(pair):
    sender, receiver = pair
    item = _cosigned(sender, receiver)
    item["cosignatures"][0]["signature"] = sign(receiver.key, {**HANDOVER, "to_party": "X"})
    with pytest.raises(BadSignature, match="signature does not match the event"):
        _check(item, sender)


def test_a_cosignature_by_a_revoked_device_is_refused(pair):
    sender, receiver = pair
    devices.revoke(receiver.device.pk, actor=user("komandan"))
    with pytest.raises(BadSignature, match="unknown or revoked device"):
        _check(_cosigned(sender, receiver), sender)


def test_a_device_cannot_cosign_its_own_record(pair):
    sender, _ = pair
    event = {**HANDOVER, "device": sender.id}
    item = {
        **event,
        "signature": sign(sender.key, event),
        "cosignatures": [{"device": sender.id, "signature": sign(sender.key, event)}],
    }
    with pytest.raises(BadSignature, match="signed this event twice"):
        _check(item, sender)


def test_cosignatures_without_the_senders_signature_are_refused(pair):
    sender, receiver = pair
    item = {**_cosigned(sender, receiver)}
    del item["device"], item["signature"]
    with pytest.raises(BadSignature, match="need the sender's own signature"):
        _check(item, sender)


def test_a_record_signed_with_a_key_that_is_not_the_devices_is_refused(pair):
    sender, _ = pair
    event = {**HANDOVER, "device": sender.id}
    with pytest.raises(BadSignature, match="not signed by this device"):
        _check({**event, "signature": sign(new_key(), event)}, sender)


def test_an_unsigned_record_passes_the_check(pair):
    sender, _ = pair
    _check(dict(HANDOVER), sender)


def test_a_malformed_cosignature_is_named():
    with pytest.raises(BadSignature, match="each co-signature is"):
        signers.cosignatures_of([{"device": "d"}])
    with pytest.raises(BadSignature, match="at most 4"):
        signers.cosignatures_of([{"device": "d", "signature": "s"}] * 5)
