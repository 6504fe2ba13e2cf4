"""The hash chain: each event's hash commits to the previous hash and to the whole event.

`hash = sha256(prev_hash + canonical JSON of the event)`. Pure, so that the ledger, `kawal
verify` and anyone auditing an export compute exactly the same bytes.
"""

import hashlib
import itertools
import json
import operator
from collections.abc import Callable, Sequence

from kawal.custody.columns import HASHED, PLAIN

GENESIS = "0" * 64
# Each hashed field with its conversion to JSON, looked up once: hashing is on the hot path.
_HASHED = tuple((c.name, PLAIN.get(c.pg_type)) for c in HASHED if not c.optional)
# Fields added after events were stored: hashed only when they hold something, so every
# event stored before them keeps its hash.
_OPTIONAL = tuple((c.name, PLAIN.get(c.pg_type)) for c in HASHED if c.optional)
EMPTY: tuple[object, ...] = (None, "", [])  # what an optional field holds while empty


# json.dumps with these arguments would build this same encoder on every call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encode(body: object) -> str:
    """Canonical JSON, the one encoding that Kawal hashes: sorted keys, no spaces, UTF-8 as
    is. The audit log's entries are hashed in it too (custody/log.py)."""
    return _ENCODER.encode(body)


def canonical(event: dict) -> str:
    """The hashed fields of `event` (columns.HASHED) as canonical JSON: sorted keys, no
    spaces, UTC times to the microsecond, ids as strings, coordinates as floats; optional
    fields (a device's signatures) only when they hold something.

    `box` is the box code and `recorded_by` the user id.
    """
    body = {name: plain(event[name]) if plain else event[name] for name, plain in _HASHED}
    for name, plain in _OPTIONAL:
        value = event.get(name)
        if value not in EMPTY:
            body[name] = plain(value) if plain else value
    return encode(body)


# canonical() as one string format per set of optional fields present: each hashed field's
# key in sorted order, then a placeholder for its value. An event read back as canonical JSON
# values (custody/stored.py) fills it in instead of building a dict to encode.
_NAMES = tuple(c.name for c in HASHED)
_OPTIONAL_AT = tuple(i for i, c in enumerate(HASHED) if c.optional)
_EMPTY = frozenset(encode(empty) for empty in EMPTY)


def _template(empty: tuple[bool, ...]) -> tuple[str, operator.itemgetter]:
    left_out = {i for i, nothing in zip(_OPTIONAL_AT, empty, strict=True) if nothing}
    order = sorted((i for i in range(len(_NAMES)) if i not in left_out), key=_NAMES.__getitem__)
    keys = ",".join(encode(_NAMES[i]).replace("%", "%%") + ":%s" for i in order)
    return "{" + keys + "}", operator.itemgetter(*order)


# By which optional fields are empty.
_TEMPLATES = {
    empty: _template(empty) for empty in itertools.product((False, True), repeat=len(_OPTIONAL_AT))
}
_optional: Callable[[Sequence[str]], tuple[str, ...]] = (
    operator.itemgetter(*_OPTIONAL_AT)
    if len(_OPTIONAL_AT) > 1
    else lambda fragments: tuple(fragments[i] for i in _OPTIONAL_AT)
)


def canonical_fragments(fragments: Sequence[str]) -> str:
    """canonical() of an event given as each hashed field's value already written as
    canonical JSON (`encode(value)`, in columns.HASHED order): the same text."""
    template, pick = _TEMPLATES[tuple(map(_EMPTY.__contains__, _optional(fragments)))]
    return template % pick(fragments)


def link(prev_hash: str, event: dict) -> str:
    return linked(prev_hash, canonical(event))


def linked(prev_hash: str, text: str) -> str:
    """A link of any chain: the hash of the one before it, then the canonical JSON `text`."""
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def heads_digest(heads: dict[str, tuple[int, str]]) -> str:
    """One digest over every chain's head: commits to each box's (seq, hash)."""
    lines = "".join(f"{code} {seq} {h}\n" for code, (seq, h) in sorted(heads.items()))
    return hashlib.sha256(lines.encode()).hexdigest()
