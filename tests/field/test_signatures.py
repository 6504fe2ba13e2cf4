"""Canonical bytes and ECDSA P-256 checks: what the phone signs is what the server verifies."""

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kawal.field import signatures
from tests.field.conftest import new_key, sign, spki

RECORD = {
    "id": "0b8f8f4e-7c1d-4c8a-9a57-2d3e4f5a6b7c",
    "box": "35.10.16.1001-001-BUP",
    "kind": "handed_over",
    "occurred_at": "2024-11-27T12:45:00.000Z",
    "place": "35.10.16.1001",
    "lat": -8.2191,
    "lng": 114.3691,
    "to_party": "PPS Kepatihan — Ketua",
    "escorts": ["75012827"],
    "seals": [],
    "device": "2c7b1a8e-35a1-4f3e-9a0a-63b0f6f4a8d1",
}


def test_canonical_bytes_sort_keys_keep_non_ascii_and_leave_out_signatures_and_nulls():
    record = {
        "seals": ["KPU-1"], "to_party": "PPS — Ketua", "lat": -8.5, "note": None,
        "device": "d1", "signature": "c2ln", "cosignatures": [{"device": "d2"}],
    }  # fmt: skip
    assert signatures.canonical(record) == (
        '{"device":"d1","lat":-8.5,"seals":["KPU-1"],"to_party":"PPS — Ketua"}'.encode()
    )


@pytest.mark.parametrize(
    "number, written",
    [
        (114.0, "114"), (-8.2191, "-8.2191"), (0.5, "0.5"), (1e-7, "1e-7"), (0.000001, "0.000001"),
        (1e21, "1e+21"), (123456789012345680000.0, "123456789012345680000"), (-0.0, "0"),
        (1.5e-10, "1.5e-10"), (7, "7"),
    ],
)  # fmt: skip
def test_numbers_are_written_as_javascripts_json_stringify_writes_them(number, written):
    assert signatures.canonical({"n": number}) == f'{{"n":{written}}}'.encode()


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_number_reads_back_as_itself(number):
    assert float(signatures.js_number(number)) == number


def test_a_good_signature_is_accepted():
    key = new_key()
    signatures.verify(spki(key), sign(key, RECORD), signatures.canonical(RECORD))


def test_the_signature_holds_after_the_record_travels_as_json():
    key = new_key()
    sent = json.loads(json.dumps({**RECORD, "signature": sign(key, RECORD)}))
    signatures.verify(spki(key), sent["signature"], signatures.canonical(sent))


def test_altered_content_is_rejected_with_a_clear_reason():
    key = new_key()
    signature = sign(key, RECORD)
    altered = {**RECORD, "seals": ["KPU-9999"]}
    with pytest.raises(signatures.BadSignature, match="signature does not match the event"):
        signatures.verify(spki(key), signature, signatures.canonical(altered))


def test_a_signature_forged_with_another_key_is_rejected():
    forged = sign(new_key(), RECORD)
    with pytest.raises(signatures.BadSignature, match="not signed by this device"):
        signatures.verify(spki(new_key()), forged, signatures.canonical(RECORD))


@pytest.mark.parametrize(
    "signature, reason",
    [
        ("%%%", "signature must be standard base64"),
        (base64.b64encode(b"short").decode(), "signature must be 64 bytes"),
        (None, "signature must be a base64 string"),
    ],
)
def test_a_malformed_signature_says_what_is_wrong(signature, reason):
    with pytest.raises(signatures.BadSignature, match=reason):
        signatures.verify(spki(new_key()), signature, signatures.canonical(RECORD))


def test_a_key_that_is_not_p256_is_refused():
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(signatures.BadSignature, match="must be an ECDSA P-256 key"):
        signatures.public_key(spki(other))
