#!/usr/bin/env python3
"""Check a Kawal custody checkpoint and its proofs offline, without trusting Kawal's server.

Needs Python 3.11 and the `cryptography` package, nothing else. You hold a checkpoint (the
signed text `kawal checkpoint` prints, or the QR code's content, saved to a file) and the
operation's public key (printed beside it, and at GET /api/v1/custody/checkpoints).

    python verify_checkpoint.py KEY checkpoint.txt
        the checkpoint is signed by KEY
    python verify_checkpoint.py KEY checkpoint.txt --inclusion proof.json
        an event is in it: proof.json from GET /api/v1/custody/proof?event=ID&checkpoint=SIZE
    python verify_checkpoint.py KEY checkpoint.txt --consistency proof.json newer.txt
        the newer checkpoint still holds all of it: proof.json from
        GET /api/v1/custody/proof?from=SIZE&to=NEWER_SIZE

Exit status 0 when every check holds; 1, saying which failed, otherwise.

The checkpoint is a C2SP signed note (c2sp.org/tlog-checkpoint), the proofs RFC 9162's
Merkle proofs. This file is the offline twin of kawal/custody/signing.py (reading a note)
and kawal/custody/merkle.py (checking proofs): keep them in step.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ORIGIN = "kawal/custody"


class Failed(Exception):
    pass


def open_checkpoint(signed: str, public: bytes) -> tuple[int, bytes]:
    """The (size, root) of a signed checkpoint, once its Ed25519 signature checks."""
    text, sep, signatures = signed.rpartition("\n\n")
    if not sep:
        raise Failed("not a signed note: no blank line before the signatures")
    text += "\n"
    key_id = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public).digest()[:4]
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014" or parts[1] != ORIGIN:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except binascii.Error:
            continue
        if blob[:4] != key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], text.encode())
        except InvalidSignature:
            raise Failed("the checkpoint's signature does not match its text") from None
        lines = text.split("\n")
        if lines[0] != ORIGIN:
            raise Failed(f"not a checkpoint of {ORIGIN}")
        return int(lines[1]), base64.b64decode(lines[2])
    raise Failed("the checkpoint carries no signature by this key")


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_holds(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def consistency_holds(
    first: int, second: int, root1: bytes, root2: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and root1 == root2
    if first == 0:
        return not proof
    if not proof:
        return False
    path = ([root1] if first & (first - 1) == 0 else []) + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == root1 and sr == root2


def check_inclusion(body: dict, size: int, root: bytes) -> str:
    if body["size"] != size:
        raise Failed(f"the proof is for a tree of {body['size']}, your checkpoint has {size}")
    chained = hashlib.sha256((body["prev_hash"] + body["canonical"]).encode()).hexdigest()
    if chained != body["hash"]:
        raise Failed("the event's content does not give its chain hash")
    leaf = hashlib.sha256(b"\x00" + bytes.fromhex(body["hash"])).digest()
    proof = [bytes.fromhex(h) for h in body["proof"]]
    if not inclusion_holds(leaf, body["position"], size, proof, root):
        raise Failed(
            f"event {body['event']} is not at position {body['position']} of this checkpoint"
        )
    return f"event {body['event']} is in the checkpoint, at position {body['position']}: {body['canonical']}"


def check_consistency(body: dict, first: tuple[int, bytes], second: tuple[int, bytes]) -> str:
    if (body["first"], body["second"]) != (first[0], second[0]):
        raise Failed(
            f"the proof runs from {body['first']} to {body['second']}, not {first[0]} to {second[0]}"
        )
    proof = [bytes.fromhex(h) for h in body["proof"]]
    if not consistency_holds(first[0], second[0], first[1], second[1], proof):
        raise Failed(f"the checkpoint of {second[0]} does not hold the one of {first[0]} unchanged")
    return f"the checkpoint of {second[0]} holds the one of {first[0]} unchanged"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("key", help="the operation's Ed25519 public key, base64")
    parser.add_argument("checkpoint", help="a file holding the signed checkpoint")
    parser.add_argument("--inclusion", metavar="PROOF", help="an inclusion proof, JSON")
    parser.add_argument("--consistency", nargs=2, metavar=("PROOF", "NEWER"),
                        help="a consistency proof, JSON, and the newer signed checkpoint")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        public = base64.b64decode(args.key, validate=True)
        with open(args.checkpoint, encoding="utf-8") as held:
            size, root = open_checkpoint(held.read(), public)
        print(f"OK: the checkpoint of {size} leaves, root {root.hex()}, is signed by this key")
        if args.inclusion:
            with open(args.inclusion, encoding="utf-8") as proof:
                print("OK:", check_inclusion(json.load(proof), size, root))
        if args.consistency:
            proof_file, newer_file = args.consistency
            with open(newer_file, encoding="utf-8") as newer:
                second = open_checkpoint(newer.read(), public)
            with open(proof_file, encoding="utf-8") as proof:
                print("OK:", check_consistency(json.load(proof), (size, root), second))
    except (Failed, ValueError, KeyError, OSError) as exc:
        print(f"FAIL: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
