"""A device's batch of custody events, checked and normalised. Pure: no database.

`check_batch()` refuses a body that is unusable as a whole; `parse()` checks one event
field by field and names the first problem. What is checked against stored rows (the box,
the escorts, the place, the event a correction points at) is the ledger's part.
"""

import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kawal import batches
from kawal.batches import Rejected, coordinate, device_time
from kawal.custody.columns import DEVICE, DEVICE_FIELDS
from kawal.custody.models import CustodyEvent
from kawal.field import signatures, signers
from kawal.territory.codes import REGION_CODE, TPS_CODE

MAX_BATCH = 1000
TEXT_LIMITS = {"from_party": 120, "to_party": 120, "document": 80, "note": 2000}
# A box travels with a handful of escorts and a handful of seals; a longer list is a wrong
# field or a flood, refused per event (docs/custody.md).
LIST_LIMITS = {"escorts": 12, "seals": 10}
SIGNATURE_LENGTH = 200  # base64 of 64 bytes is 88 characters
KINDS = frozenset(CustodyEvent.Kind.values)
# What no database stores as it was hashed: PostgreSQL refuses NUL in text, and a lone
# surrogate is no character at all, so neither encodes to UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BatchError(ValueError):
    """The body as a whole is unusable; nothing of it is stored."""


@dataclass
class Incoming:
    """One event as the device sent it, checked. Its attributes are columns.DEVICE_FIELDS,
    and `signed`."""

    id: uuid.UUID
    box: str
    kind: str
    occurred_at: datetime
    place: str
    lat: float | None = None
    lng: float | None = None
    from_party: str = ""
    to_party: str = ""
    escorts: list[str] = field(default_factory=list)
    seals: list[str] = field(default_factory=list)
    document: str = ""
    note: str = ""
    corrects: uuid.UUID | None = None
    device: uuid.UUID | None = None
    signature: str = ""
    cosignatures: list[dict[str, str]] = field(default_factory=list)
    # The bytes the signatures cover: the event as the device sent it (kawal/field/signatures).
    signed: bytes = b""

    def content(self) -> dict[str, Any]:
        """What the device said, normalised: two sends of one event compare equal."""
        return normalised(vars(self))


def normalised(event: Mapping[str, Any]) -> dict[str, Any]:
    """The device's part of `event` (an `Incoming`'s attributes, or a stored event read with
    `columns.named`) as plain JSON values, so that a resent event compares equal."""
    return {c.name: c.plain(event[c.name]) for c in DEVICE}


def check_batch(items: object) -> list[dict[str, Any]]:
    """A batch is a JSON array of at most MAX_BATCH events."""
    return batches.check_batch(items, limit=MAX_BATCH, noun="event")


def _storable(value: object, name: str) -> None:
    """Every string and number in `value` is stored exactly as the chain hashes it."""
    if isinstance(value, str):
        found = UNSTORABLE.search(value)
        if found:
            what = "a NUL character" if found.group() == "\x00" else "a lone surrogate"
            raise Rejected(f"{name} holds {what}, which cannot be stored")
    elif isinstance(value, float) and not math.isfinite(value):
        raise Rejected(f"{name} must be a finite number, not {value}")
    elif isinstance(value, list):
        for v in value:
            _storable(v, name)
    elif isinstance(value, dict):
        for k, v in value.items():
            _storable(k, f"a field name in {name}")
            _storable(v, name)


def sent_id(item: dict[str, Any]) -> str | None:
    """The id an unusable event was sent with, to name it in its rejection, if it has one."""
    value = item.get("id")
    return value if isinstance(value, str) and not UNSTORABLE.search(value) else None


def _uuid(value: object, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Rejected(f"{name} must be a UUID") from None


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name) or ""
    if not isinstance(value, str):
        raise Rejected(f"{name} must be a string")
    if len(value) > TEXT_LIMITS[name]:
        raise Rejected(f"{name} is longer than {TEXT_LIMITS[name]} characters")
    return value


def _strings(item: dict[str, Any], name: str) -> list[str]:
    value = item.get(name) or []
    if not isinstance(value, list) or not all(
        isinstance(v, str) and 0 < len(v) <= 40 for v in value
    ):
        raise Rejected(f"{name} must be a list of strings")
    if len(value) > LIST_LIMITS[name]:
        raise Rejected(f"{name} lists at most {LIST_LIMITS[name]}, not {len(value)}")
    if len(set(value)) != len(value):
        raise Rejected(f"{name} lists the same value twice")
    return value


def _signatures(item: dict[str, Any], kind: str) -> tuple[uuid.UUID | None, str, list]:
    """The signing device, its signature and the co-signatures, checked for shape; whether
    they hold is checked against the devices' keys by the ledger."""
    device = _uuid(item["device"], "device") if item.get("device") else None
    signature = item.get("signature") or ""
    if not isinstance(signature, str) or len(signature) > SIGNATURE_LENGTH:
        raise Rejected("signature must be a base64 string")
    try:
        cosignatures = signers.cosignatures_of(item.get("cosignatures"))
    except signatures.BadSignature as exc:
        raise Rejected(str(exc)) from None
    if cosignatures and kind != CustodyEvent.Kind.HANDED_OVER:
        raise Rejected("only a handover (handed_over) is co-signed")
    cosigned = [
        {"device": str(_uuid(c["device"], "a co-signature's device")), "signature": c["signature"]}
        for c in cosignatures
    ]
    return device, signature, cosigned


def parse(item: dict[str, Any], now: datetime) -> Incoming:
    """One event of a batch, checked field by field; Rejected names the first problem."""
    for name, value in item.items():
        _storable(name, "a field name")
        _storable(value, name)
    unknown = sorted(set(item) - set(DEVICE_FIELDS))
    if unknown:
        raise Rejected(f"unknown field {unknown[0]}")
    for name in ("id", "box", "kind", "occurred_at", "place"):
        if item.get(name) in (None, ""):
            raise Rejected(f"{name} is required")
    event_id = _uuid(item["id"], "id")
    if not isinstance(item["box"], str):
        raise Rejected("box must be a box code")
    kind = item["kind"]
    if kind not in KINDS:
        raise Rejected(f"kind {kind!r} is not one of {', '.join(CustodyEvent.Kind.values)}")
    occurred_at = device_time(item["occurred_at"], now)
    place = item["place"]
    if not isinstance(place, str) or not (REGION_CODE.match(place) or TPS_CODE.match(place)):
        raise Rejected("place must be a region or TPS code")
    lat, lng = coordinate(item.get("lat"), "lat"), coordinate(item.get("lng"), "lng")
    if (lat is None) != (lng is None):
        raise Rejected("lat and lng come together")
    corrects = _uuid(item["corrects"], "corrects") if item.get("corrects") else None
    if (kind == CustodyEvent.Kind.CORRECTION) != (corrects is not None):
        raise Rejected("a correction, and only a correction, names the event it corrects")
    note = _text(item, "note")
    if kind == CustodyEvent.Kind.CORRECTION and not note.strip():
        raise Rejected("note is required: a correction says what was wrong")
    device, signature, cosignatures = _signatures(item, kind)
    return Incoming(
        id=event_id,
        box=item["box"],
        kind=kind,
        occurred_at=occurred_at,
        place=place,
        lat=lat,
        lng=lng,
        from_party=_text(item, "from_party"),
        to_party=_text(item, "to_party"),
        escorts=_strings(item, "escorts"),
        seals=_strings(item, "seals"),
        document=_text(item, "document"),
        note=note,
        corrects=corrects,
        device=device,
        signature=signature,
        cosignatures=cosignatures,
        signed=signatures.canonical(item) if signature else b"",
    )
