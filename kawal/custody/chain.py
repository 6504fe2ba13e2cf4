"""The hash chain: each event's hash commits to the previous hash and to the whole event.

`hash = sha256(prev_hash + canonical JSON of the event)`. Pure, so that the ledger, `kawal
verify` and anyone auditing an export compute exactly the same bytes.
"""

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64
HASHED = (
    "id",
    "box",
    "seq",
    "kind",
    "occurred_at",
    "received_at",
    "place",
    "lat",
    "lng",
    "from_party",
    "to_party",
    "escorts",
    "seals",
    "document",
    "note",
    "corrects",
    "recorded_by",
)


def instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(event: dict) -> str:
    """The HASHED fields of `event` as canonical JSON: sorted keys, no spaces, UTC times.

    `box` is the box code and `recorded_by` the user id.
    """
    body = {
        **{key: event[key] for key in HASHED},
        "id": str(event["id"]),
        "corrects": str(event["corrects"]) if event["corrects"] else None,
        "occurred_at": instant(event["occurred_at"]),
        "received_at": instant(event["received_at"]),
        "lat": float(event["lat"]) if event["lat"] is not None else None,
        "lng": float(event["lng"]) if event["lng"] is not None else None,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link(prev_hash: str, event: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def heads_digest(heads: dict[str, tuple[int, str]]) -> str:
    """One digest over every chain's head: commits to each box's (seq, hash)."""
    lines = "".join(f"{code} {seq} {h}\n" for code, (seq, h) in sorted(heads.items()))
    return hashlib.sha256(lines.encode()).hexdigest()
