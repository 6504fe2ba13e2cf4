"""The hash chain: each event's hash commits to the previous hash and to the whole event.

`hash = sha256(prev_hash + canonical JSON of the event)`. Pure, so that the ledger, `kawal
verify` and anyone auditing an export compute exactly the same bytes.
"""

import hashlib
import json

from kawal.custody.columns import HASHED, PLAIN

GENESIS = "0" * 64
# Each hashed field with its conversion to JSON, looked up once: hashing is on the hot path.
_HASHED = tuple((c.name, PLAIN.get(c.pg_type)) for c in HASHED if not c.optional)
# Fields added after events were stored: hashed only when they hold something, so every
# event stored before them keeps its hash.
_OPTIONAL = tuple((c.name, PLAIN.get(c.pg_type)) for c in HASHED if c.optional)


def encode(body: dict) -> str:
    """Canonical JSON, the one encoding that Kawal hashes: sorted keys, no spaces, UTF-8 as
    is. The audit log's entries are hashed in it too (custody/log.py)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(event: dict) -> str:
    """The hashed fields of `event` (columns.HASHED) as canonical JSON: sorted keys, no
    spaces, UTC times to the microsecond, ids as strings, coordinates as floats; optional
    fields (a device's signatures) only when they hold something.

    `box` is the box code and `recorded_by` the user id.
    """
    body = {name: plain(event[name]) if plain else event[name] for name, plain in _HASHED}
    for name, plain in _OPTIONAL:
        value = event.get(name)
        if value not in (None, "", []):
            body[name] = plain(value) if plain else value
    return encode(body)


def link(prev_hash: str, event: dict) -> str:
    return linked(prev_hash, canonical(event))


def linked(prev_hash: str, text: str) -> str:
    """A link of any chain: the hash of the one before it, then the canonical JSON `text`."""
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def heads_digest(heads: dict[str, tuple[int, str]]) -> str:
    """One digest over every chain's head: commits to each box's (seq, hash)."""
    lines = "".join(f"{code} {seq} {h}\n" for code, (seq, h) in sorted(heads.items()))
    return hashlib.sha256(lines.encode()).hexdigest()
