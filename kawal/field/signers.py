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


def active(ids: Iterable[str]) -> dict[str, Signer]:
    """The enrolled, unrevoked devices among `ids`, by id: one query."""
    wanted = {str(i) for i in ids if i}
    if not wanted:
        return {}
    return {
        str(pk): Signer(str(pk), key, name)
        for pk, key, name in Device.objects.filter(pk__in=wanted, revoked_at__isnull=True)
        .values_list("id", "public_key", "member__name")
    }


def cosigners(item: dict) -> list[str]:
    """The devices a record's co-signatures name, as sent (malformed entries left out)."""
    found = item.get("cosignatures")
    if not isinstance(found, list):
        return []
    return [str(c.get("device")) for c in found if isinstance(c, dict) and c.get("device")]


def check(item: dict, signers: dict[str, Signer], sender: str | None, what: str) -> None:
    """Check `item`'s signature and co-signatures as received; BadSignature says what fails.

    A signed record names its device, which must be the device sending it; co-signatures
    (on a handover) come from other devices, over the same bytes.
    """
    device, signature = item.get("device"), item.get("signature")
    if device is None and signature is None:
        if item.get("cosignatures"):
            raise signatures.BadSignature("co-signatures need the sender's own signature")
        return
    if device is None or not signature:
        raise signatures.BadSignature("device and signature come together")
    if sender is not None and str(device) != sender:
        raise signatures.BadSignature(f"device {device} is not the device sending this {what}")
    content = signatures.canonical(item)
    _verify(signers, str(device), signature, content, what)
    cosigned = item.get("cosignatures") or []
    if not isinstance(cosigned, list) or len(cosigned) > MAX_COSIGNATURES:
        raise signatures.BadSignature(
            f"cosignatures must be a list of at most {MAX_COSIGNATURES} device signatures"
        )
    seen = {str(device)}
    for entry in cosigned:
        if not isinstance(entry, dict) or set(entry) != {"device", "signature"}:
            raise signatures.BadSignature('each co-signature is {"device", "signature"}')
        if str(entry["device"]) in seen:
            raise signatures.BadSignature(f"device {entry['device']} signed this {what} twice")
        seen.add(str(entry["device"]))
        _verify(signers, str(entry["device"]), entry["signature"], content, what)


def _verify(signers: dict[str, Signer], device: str, signature, content: bytes, what: str):
    signer = signers.get(device)
    if signer is None:
        raise signatures.BadSignature(f"{UNKNOWN} {device}")
    signatures.verify(signer.public_key, signature, content, what)
