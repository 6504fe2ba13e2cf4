"""The operation's Ed25519 key, and a checkpoint as text: a signed note.

The text is a transparency-log checkpoint (c2sp.org/tlog-checkpoint): the log's origin,
the tree size, the base64 root hash and one extension line with the time it was taken,
then a blank line and the signature line `— <origin> base64(key id || signature)`
(c2sp.org/signed-note, Ed25519, key id = SHA-256(origin, "\\n", 0x01, public key)[:4]).
`kawal checkpoint` prints it and puts it in a QR code. docs/verify_checkpoint.py checks it
with the standard library and `cryptography` alone: it is this module's twin for reading
and checking a note, so keep the two in step.

The key comes from KAWAL_LEDGER_KEY (a raw 32-byte Ed25519 private key, base64) or, for the
demo, from a key made once in KAWAL_DATA_DIR and readable by its owner only.
"""

import base64
import binascii
import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ORIGIN = "kawal/custody"
KEY_FILE = "ledger-key"
TIME = "%Y-%m-%dT%H:%M:%SZ"


@functools.cache
def private_key() -> Ed25519PrivateKey:
    if settings.LEDGER_KEY:
        try:
            raw = base64.b64decode(settings.LEDGER_KEY, validate=True)
            return Ed25519PrivateKey.from_private_bytes(raw)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(
                "KAWAL_LEDGER_KEY must be a raw 32-byte Ed25519 private key in base64"
            ) from exc
    path = Path(settings.DATA_DIR) / KEY_FILE
    if not path.exists():
        _make_key(path)
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_text()))


def _make_key(path: Path) -> None:
    """Write a new key to `path`, mode 0600; if another process got there first, keep its."""
    raw = Ed25519PrivateKey.generate().private_bytes_raw()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent)  # created 0600
    try:
        os.write(descriptor, base64.b64encode(raw) + b"\n")
        os.close(descriptor)
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def public_bytes(key: Ed25519PublicKey | None = None) -> bytes:
    key = key or private_key().public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key() -> str:
    """The public key that checks the checkpoints, base64: published and printed."""
    return base64.b64encode(public_bytes()).decode()


def key_id(public: bytes) -> bytes:
    return hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public).digest()[:4]


def note_text(size: int, root: bytes, at: datetime) -> str:
    return (
        f"{ORIGIN}\n{size}\n{base64.b64encode(root).decode()}\ntime {at.astimezone(UTC):{TIME}}\n"
    )


def sign(size: int, root: bytes, at: datetime) -> str:
    """The signed note of the tree head (size, root) at `at`, signed with the operation's key."""
    text = note_text(size, root, at)
    signature = private_key().sign(text.encode())
    line = base64.b64encode(key_id(public_bytes()) + signature).decode()
    return f"{text}\n\u2014 {ORIGIN} {line}\n"


@dataclass(frozen=True)
class TreeHead:
    size: int
    root: bytes
    at: datetime


def open_note(signed: str, public: bytes) -> TreeHead:
    """The tree head in the signed note `signed`, once its signature by `public` checks.

    Raises ValueError saying what is wrong.
    """
    text, sep, signatures = signed.rpartition("\n\n")
    if not sep:
        raise ValueError("not a signed note: no blank line before the signatures")
    text += "\n"
    wanted = key_id(public)
    for line in signatures.splitlines():
        dash, name, encoded = (line.split(" ") + ["", ""])[:3]
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if dash != "\u2014" or name != ORIGIN or blob[:4] != wanted:
            continue  # another key's signature, e.g. a witness's
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], text.encode())
        except InvalidSignature:
            raise ValueError("the signature does not match the text: it was altered") from None
        return _parse(text)
    raise ValueError("no signature by this key")


def _parse(text: str) -> TreeHead:
    lines = text.rstrip("\n").split("\n")
    if len(lines) < 4 or lines[0] != ORIGIN or not lines[3].startswith("time "):
        raise ValueError(f"not a checkpoint of {ORIGIN}")
    at = datetime.strptime(lines[3][len("time ") :], TIME).replace(tzinfo=UTC)
    return TreeHead(int(lines[1]), base64.b64decode(lines[2]), at)
