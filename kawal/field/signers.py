"""Who signed a record: the enrolled devices behind a batch's signatures, and the check of a
record's signature and co-signatures against them.

Check-ins and custody events both go through `check()`, so a record is signed, co-signed or
refused by the same rules wherever it arrives.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from kawal.field import signatures
from kawal.field.models import Device

UNKNOWN = "unknown or revoked device"
MAX_COSIGNATURES = 4


@dataclass(frozen=True)
class Signer:
    device: str
    public_key: str
    member: str  # the member's name, for the timeline


def active(ids: Iterable[object]) -> dict[str, Signer]:
    """The enrolled, unrevoked devices among `ids`, by id: one query."""
    wanted = {str(i) for i in ids if i}
    if not wanted:
        return {}
    return {
        str(pk): Signer(str(pk), key, name)
        for pk, key, name in Device.objects.filter(pk__in=wanted, revoked_at__isnull=True)
        .values_list("id", "public_key", "member__name")
    }


def cosignatures_of(value) -> list[dict[str, str]]:
    """A record's `cosignatures` as sent, checked for shape: [{"device", "signature"}]."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_COSIGNATURES:
        raise signatures.BadSignature(
            f"cosignatures must be a list of at most {MAX_COSIGNATURES} device signatures"
        )
    for entry in value:
        if (
            not isinstance(entry, dict)
            or set(entry) != {"device", "signature"}
            or not all(isinstance(v, str) for v in entry.values())
        ):
            raise signatures.BadSignature(
                'each co-signature is {"device": uuid, "signature": base64}'
            )
    return value


def check(
    content: bytes, device: str | None, signature: str, cosignatures: list[dict[str, str]],
    signers: dict[str, Signer], sender: str | None, what: str,
) -> None:  # fmt: skip
    """Check a record's signature and co-signatures over `content` (the bytes the device
    signed: signatures.canonical of the record as received); BadSignature says what fails.

    A signed record names its device, which must be the device sending it; co-signatures
    (on a handover) come from other devices, over the same bytes.
    """
    if device is None and not signature:
        if cosignatures:
            raise signatures.BadSignature("co-signatures need the sender's own signature")
        return
    if device is None or not signature:
        raise signatures.BadSignature("device and signature come together")
    if sender is not None and device != sender:
        raise signatures.BadSignature(f"device {device} is not the device sending this {what}")
    _verify(signers, device, signature, content, what)
    seen = {device}
    for entry in cosignatures:
        if entry["device"] in seen:
            raise signatures.BadSignature(f"device {entry['device']} signed this {what} twice")
        seen.add(entry["device"])
        _verify(signers, entry["device"], entry["signature"], content, what)


def _verify(signers: dict[str, Signer], device: str, signature, content: bytes, what: str):
    signer = signers.get(device)
    if signer is None:
        raise signatures.BadSignature(f"{UNKNOWN} {device}")
    signatures.verify(signer.public_key, signature, content, what)
