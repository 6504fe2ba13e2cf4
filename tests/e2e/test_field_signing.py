"""The phone's canonical bytes and signatures (canonical.js, device.js) against the server's
twin (kawal/field/signatures.py), in real Chromium: what the phone signs is what the server
rebuilds from the JSON it receives, and a WebCrypto signature verifies with `cryptography`."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kawal.field import signatures
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e

ORIGIN = "http://127.0.0.1:9"  # loopback: a secure context, which WebCrypto needs; routed, never dialled
STATIC = ROOT / "kawal" / "field" / "static" / "field"


@pytest.fixture(scope="module")
def page(browser):
    """A page on a made-up origin that serves the field app's modules from the source tree."""
    context = browser.new_context()

    def serve(route):
        name = route.request.url.removeprefix(f"{ORIGIN}/")
        if name == "":
            route.fulfill(body="<!doctype html><title>phone</title>", content_type="text/html")
        else:
            route.fulfill(path=STATIC / name, content_type="text/javascript")

    context.route(f"{ORIGIN}/**", serve)
    page = context.new_page()
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()


SIGN = """async record => {
  const { canonicalJSON, signedFields, signedBytes } = await import("/canonical.js");
  const { base64 } = await import("/device.js");
  const keys = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" }, keys.privateKey, signedBytes(record));
  return {
    canonical: canonicalJSON(signedFields(record)),
    sent: JSON.stringify({ ...record, signature: base64(signature) }),
    spki: base64(await crypto.subtle.exportKey("spki", keys.publicKey)),
    extractable: keys.privateKey.extractable,
  };
}"""

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
records = st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), values, max_size=8)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(record=records)
def test_the_server_rebuilds_the_bytes_the_phone_signed_from_the_json_it_receives(page, record):
    signed = page.evaluate(SIGN, record)
    received = json.loads(signed["sent"])
    assert signatures.canonical(received) == signed["canonical"].encode("utf-8")
    signatures.verify(signed["spki"], received["signature"], signatures.canonical(received))


def test_a_phone_signed_event_verifies_and_an_altered_one_does_not(page):
    event = {
        "id": "6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f",
        "box": "35.10.16.1001-001-BUP",
        "kind": "handed_over",
        "occurred_at": "2024-11-27T19:30:00.120+07:00",
        "place": "35.10.16.1001-001",
        "lat": -8.2191,
        "lng": 114.3691,
        "escorts": ["75012827"],
        "seals": ["KPU-3510-000123"],
        "to_party": "PPS Kepatihan – Pak Hadi",
        "device": "0b8f8f4e-7c1d-4c8a-9a57-2d3e4f5a6b7c",
    }
    signed = page.evaluate(SIGN, event)
    assert signed["extractable"] is False
    received = json.loads(signed["sent"])
    signatures.verify(signed["spki"], received["signature"], signatures.canonical(received))
    altered = {**received, "seals": ["KPU-3510-000999"]}
    with pytest.raises(signatures.BadSignature, match="does not match"):
        signatures.verify(signed["spki"], altered["signature"], signatures.canonical(altered))
