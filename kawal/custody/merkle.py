"""Merkle tree hashing as Certificate Transparency defines it (RFC 9162 §2.1, as RFC 6962).

The custody log (custody/log.py) is a list of leaves in the order they were committed; this
module is the arithmetic over their hashes, and nothing else: tree heads, inclusion proofs
(an entry is in the tree) and consistency proofs (a tree is a prefix of a later one), made
and checked. Pure: bytes in, bytes out.

Leaves are passed as leaf hashes, `leaf_hash(data)`, so that a tree is built once from
stored hashes. Its twin is docs/verify_checkpoint.py, which checks the same proofs with the
standard library alone: keep the two in step.
"""

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than `n` (n > 1): the size of the left subtree."""
    return 1 << ((n - 1).bit_length() - 1)


# --- tree heads --------------------------------------------------------------------------


def extend(frontier: list[bytes], size: int, leaves: Iterable[bytes]) -> tuple[list[bytes], int]:
    """Append `leaves` to a tree of `size` leaves given by its frontier: the roots of its
    perfect subtrees, largest first (one per set bit of `size`). Answers the new frontier
    and size, without rehashing what the frontier already holds."""
    frontier = list(frontier)
    for leaf in leaves:
        node, carried = leaf, size
        while carried & 1:
            node = node_hash(frontier.pop(), node)
            carried >>= 1
        frontier.append(node)
        size += 1
    return frontier, size


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for node in reversed(frontier[:-1]):
        root = node_hash(node, root)
    return root


def root(leaves: Sequence[bytes]) -> bytes:
    """The tree head MTH(D[n]) over leaf hashes."""
    return frontier_root(extend([], 0, leaves)[0])


# --- proofs ------------------------------------------------------------------------------


def _subtree(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    return root(leaves[lo:hi])


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]): the sibling hashes from leaf `index` up to the root."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    path: list[bytes] = []
    lo, hi = 0, len(leaves)
    while hi - lo > 1:
        k = lo + _split(hi - lo)
        if index < k:
            path.append(_subtree(leaves, k, hi))
            hi = k
        else:
            path.append(_subtree(leaves, lo, k))
            lo = k
    return path[::-1]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(first, D[n]): what shows the tree of the first `first` leaves is a prefix."""
    if not 0 <= first <= len(leaves):
        raise ValueError(f"a tree of {first} is not a prefix of a tree of {len(leaves)}")
    if first in (0, len(leaves)):
        return []
    path: list[bytes] = []
    lo, hi, m, whole = 0, len(leaves), first, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            path.append(_subtree(leaves, lo + k, hi))
            hi = lo + k
        else:
            path.append(_subtree(leaves, lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:
        path.append(_subtree(leaves, lo, hi))
    return path[::-1]


# --- checking proofs (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], head: bytes
) -> bool:
    """Whether `proof` shows the leaf hash `leaf` at `index` in the tree of `size` with `head`."""
    if not 0 <= index < size:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and node == head


def verify_consistency(
    first: int, second: int, first_head: bytes, second_head: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree (`first`, `first_head`) is a prefix of
    (`second`, `second_head`)."""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_head == second_head
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old head is itself a node of the new tree
        path.insert(0, first_head)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(node, fr), node_hash(node, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, node)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_head and sr == second_head
