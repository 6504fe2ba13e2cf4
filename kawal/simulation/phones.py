"""A simulated phone: its token and, where it is enrolled, its device id and key, with which it
signs what it sends as the field app does (kawal/field/signatures.py): ECDSA P-256 over the
record's canonical bytes, the raw r||s in base64.

The signature is deterministic (RFC 6979), so a phone that sends a batch again sends the very
same signatures, as a real phone resending its stored queue does.
"""

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from kawal.field import signatures
from kawal.simulation.journeys import CHECKINS, EVENTS

SIGNED = (EVENTS, CHECKINS)
HALF = signatures.P1363_BYTES // 2


def new_key() -> tuple[ec.EllipticCurvePrivateKey, str]:
    """A phone's key pair: the private key, and the public key as base64 SPKI."""
    key = ec.generate_private_key(ec.SECP256R1())
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key, base64.b64encode(spki).decode()


@dataclass(frozen=True)
class Phone:
    token: str
    device: str | None = None  # None: a plain API token, no enrolled device
    key: ec.EllipticCurvePrivateKey | None = None

    def wire(self, endpoint: str, item: Mapping[str, Any], shift: timedelta) -> dict[str, Any]:
        """A record as the phone sends it: its time moved by `shift`, in UTC with milliseconds
        (as `Date.toISOString()` writes it), and signed where the phone is enrolled."""
        at = (item["occurred_at"] + shift).astimezone(UTC)
        record = {**item, "occurred_at": at.isoformat(timespec="milliseconds")}
        if self.device is None or self.key is None or endpoint not in SIGNED:
            return record
        record["device"] = self.device
        der = self.key.sign(
            signatures.canonical(record), ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
        )
        r, s = decode_dss_signature(der)
        record["signature"] = base64.b64encode(
            r.to_bytes(HALF, "big") + s.to_bytes(HALF, "big")
        ).decode()
        return record
