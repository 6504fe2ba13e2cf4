"""What a field device signs, and checking its ECDSA P-256 signature. Pure: no database.

The phone signs the canonical JSON of a record's device fields with WebCrypto; the server
rebuilds the same bytes from the record it received and verifies them against the device's
public key. The JS twin of `canonical()` is kawal/field/static/field/canonical.js: keep the
two in step (sorted keys, no whitespace, non-ASCII as is, absent or null fields left out,
numbers as JavaScript's JSON.stringify writes them).
"""

import base64
import binascii
import json
import math
from decimal import Decimal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_der_public_key

UNSIGNED = ("signature", "cosignatures")  # a record's fields that its signature can't cover
P1363_BYTES = 64  # r || s, 32 bytes each, as WebCrypto gives them


class BadSignature(ValueError):
    """The signature, the key or the content doesn't hold; the message says which."""


def canonical(record: dict) -> bytes:
    """The bytes a device signs for `record`: its fields but the signatures, canonical JSON."""
    fields = {k: v for k, v in record.items() if k not in UNSIGNED and v is not None}
    try:
        return _json(fields).encode("utf-8")
    except UnicodeEncodeError:
        raise BadSignature("the record holds text that is not valid Unicode") from None


def _json(value) -> str:
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{_json(str(k))}:{_json(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


def js_number(x: float) -> str:
    """`x` as ECMAScript's Number::toString writes it (so as JSON.stringify does)."""
    if not math.isfinite(x):
        raise BadSignature("a number in the record is not finite")
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    # repr is the shortest decimal that reads back as x, as in ECMAScript.
    _, digit_tuple, exponent = Decimal(repr(x)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), int(exponent) + len(digit_tuple)  # x = 0.digits × 10^n
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def public_key(spki_base64: str) -> ec.EllipticCurvePublicKey:
    """An ECDSA P-256 public key from base64 SPKI; BadSignature says what is wrong."""
    try:
        der = base64.b64decode(spki_base64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise BadSignature("public_key must be standard base64") from None
    try:
        key = load_der_public_key(der)
    except (ValueError, TypeError):
        raise BadSignature("public_key is not an SPKI public key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise BadSignature("public_key must be an ECDSA P-256 key")
    return key


def verify(spki_base64: str, signature_base64: str, content: bytes, what: str = "event") -> None:
    """Check a WebCrypto ECDSA P-256/SHA-256 signature (raw r||s, base64) over `content`."""
    if not isinstance(signature_base64, str):
        raise BadSignature("signature must be a base64 string")
    try:
        raw = base64.b64decode(signature_base64, validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature("signature must be standard base64") from None
    if len(raw) != P1363_BYTES:
        raise BadSignature(f"signature must be {P1363_BYTES} bytes (r||s), not {len(raw)}")
    half = P1363_BYTES // 2
    der = encode_dss_signature(
        int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
    )
    try:
        public_key(spki_base64).verify(der, content, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise BadSignature(
            f"signature does not match the {what}: altered, or not signed by this device"
        ) from None
