"""Enrolled phones for the signed-ingest figure: each with its own P-256 key and device
token, enrolled the way a sector office does it (kawal/field/devices.py), signing what it
sends as WebCrypto does (raw r||s over field/signatures.canonical)."""

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


@dataclass
class Phone:
    id: str
    token: str
    key: ec.EllipticCurvePrivateKey

    def signed(self, record: dict) -> dict:
        from kawal.field import signatures

        body = {**record, "device": self.id}
        der = self.key.sign(signatures.canonical(body), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return {**body, "signature": base64.b64encode(raw).decode()}


def enrolled_phones(count: int, region: str = "35.10") -> list[Phone]:
    from django.contrib.auth import get_user_model

    from kawal.field import devices
    from kawal.personnel.models import Member

    komandan = get_user_model().objects.get(username="komandan")
    members = Member.objects.filter(force="polri", region__code__startswith=region)
    phones = []
    for member in members.order_by("nrp")[:count]:
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        issued = devices.issue_code(nrp=member.nrp, region_code=region, actor=komandan)
        device, token = devices.enrol(issued.code, base64.b64encode(public).decode(), "bench")
        phones.append(Phone(str(device.pk), token, key))
    return phones
