"""Checking the ledger: every chain from its first link, and the log against a checkpoint.

`verify()` names every problem of every chain: each link that doesn't hold, each event whose
stored hash no longer matches its content, and a chain that doesn't end at its box's head.
That catches edits, but not a chain cut short or rewritten together with its box's head:
`against()` does, holding the whole Merkle log (custody/log.py) to a signed checkpoint that
someone kept outside the database.
"""

from dataclasses import dataclass

from django.db.models import F

from kawal.custody import chain, checkpoints, log, merkle, signing, stored
from kawal.custody.models import Box, Checkpoint, CustodyEvent
from kawal.territory.codes import REGENCY_LENGTH, regency_of, within


@dataclass
class Break:
    """One problem found in a box's chain: at an event (seq, event), or at its end."""

    box: str
    seq: int | None
    event: str | None
    problem: str


@dataclass
class Report:
    ok: bool
    events: int
    broken: list[Break]


def verify(region: str | None = None) -> Report:
    """Recompute every chain (in `region`, if given) from its first event to its last, and
    name every problem on the way: a broken link does not hide the ones after it."""
    events = CustodyEvent.objects.order_by("box__code", "seq")
    boxes = Box.objects.all()
    if region and len(region) >= REGENCY_LENGTH:  # only its regency's shard (docs/deploy.md)
        events = events.filter(regency=regency_of(region), box__regency=F("regency"))
        boxes = boxes.filter(regency=regency_of(region))
    if region:
        events = events.filter(within("box__code", region))
        boxes = boxes.filter(within("code", region))
    broken: list[Break] = []
    tail: dict[str, tuple[int, str]] = {}
    count = 0
    for event_id, code, seq, regency, prev_hash, hash_, _, rehash in stored.rehashed(events):
        count += 1
        last_seq, last_hash = tail.get(code, (0, chain.GENESIS))
        tail[code] = (seq, hash_)
        if rehash != hash_:
            broken.append(Break(code, seq, event_id, "content does not match its hash"))
        if seq != last_seq + 1:
            broken.append(Break(code, seq, event_id, f"seq {seq} follows seq {last_seq}"))
        elif prev_hash != last_hash:
            broken.append(Break(code, seq, event_id, "prev_hash is not the hash before it"))
        if regency != regency_of(code):
            broken.append(Break(code, seq, event_id, f"filed under regency {regency}"))
    for code, head_seq, head_hash in boxes.values_list("code", "head_seq", "head_hash"):
        problem = _head_problem(tail.get(code, (0, "")), (head_seq, head_hash))
        if problem:
            broken.append(Break(code, tail.get(code, (None,))[0], None, problem))
    broken.sort(key=lambda b: (b.box, b.seq is None, b.seq or 0))
    return Report(ok=not broken, events=count, broken=broken)


def _head_problem(last: tuple[int, str], head: tuple[int, str]) -> str:
    """What is wrong with a chain ending at `last` (seq, hash) on a box whose head is `head`."""
    (seq, h), (head_seq, head_hash) = last, head
    if seq < head_seq:
        return (
            f"the chain ends at seq {seq} but the box's head is seq {head_seq}: events are missing"
        )
    if seq > head_seq:
        return f"the chain runs to seq {seq} past the box's head, seq {head_seq}"
    if seq and h != head_hash:
        return "the last event's hash is not the box's head hash"
    return ""


def parse_digest(digest: str) -> tuple[int | None, str]:
    """A checkpoint's digest, SIZE:ROOT (or the ROOT alone), as (size or None, root)."""
    size, sep, root = digest.strip().rpartition(":")
    root = root.lower()
    if len(root) != 64 or not set(root) <= set("0123456789abcdef"):
        raise ValueError("a checkpoint digest is SIZE:ROOT, ROOT being 64 hex digits")
    if sep and not size.isdigit():
        raise ValueError("a checkpoint digest is SIZE:ROOT, SIZE being a number")
    return (int(size) if sep else None), root


@dataclass
class Against:
    ok: bool
    size: int  # the checkpoint's
    root: str
    now_size: int  # the log's today
    now_root: str
    proof: list[str]  # the consistency proof from the checkpoint to the log today
    problems: list[str]  # the first difference first


def against(digest: str) -> Against:
    """Whether the log today holds, unchanged and in place, every leaf that the checkpoint
    `digest` covered, shown by a consistency proof; if not, what differs, first first.

    Raises ValueError for a malformed digest.
    """
    size, root = parse_digest(digest)
    same_root = Checkpoint.objects.filter(root=root).order_by("id")
    stored = (same_root if size is None else same_root.filter(size=size)).first()
    if stored is not None:
        size = stored.size
    elif size is None:
        return Against(False, 0, root, 0, "", [], [
            f"no stored checkpoint has root {root}: give SIZE:ROOT from the printed one"
        ])  # fmt: skip
    unsigned = _unsigned(stored) if stored else []
    entries = list(log.entries())
    leaves = [e.leaf for e in entries]
    now_root = merkle.root(leaves)
    first = min(size, len(leaves))
    proof = merkle.consistency_proof(first, leaves)
    holds = first == size and merkle.verify_consistency(
        size, len(leaves), bytes.fromhex(root), now_root, proof
    )
    problems = [] if holds else _differences(size, root, entries)
    problems += _misplaced(entries, start=size) + unsigned
    return Against(
        ok=not problems,
        size=size,
        root=root,
        now_size=len(leaves),
        now_root=now_root.hex(),
        proof=[h.hex() for h in proof],
        problems=problems,
    )


def _unsigned(stored: Checkpoint) -> list[str]:
    """Whether the stored checkpoint's note is signed by the operation's key, for this head."""
    try:
        head = signing.open_note(stored.signed, signing.public_bytes())
    except ValueError as exc:
        return [f"the stored checkpoint {stored.digest} is not signed by this key: {exc}"]
    if (head.size, head.root.hex()) != (stored.size, stored.root):
        return [f"the stored checkpoint {stored.digest} signs another head"]
    return []


def _misplaced(entries: list[log.Entry], start: int) -> list[str]:
    """Positions from `start` on that are missing or taken twice: the log has no gaps."""
    problems = []
    expected = 0
    for entry in entries:
        if entry.position > expected and entry.position > start:
            gap = max(expected, start)
            span = f"{gap}" if entry.position == gap + 1 else f"{gap} to {entry.position - 1}"
            problems.append(f"position {span}: missing: what stood there was deleted")
        elif entry.position < expected and entry.position >= start:
            problems.append(f"position {entry.position}: {entry.what} takes a place already held")
        expected = max(expected, entry.position + 1)
    return problems


def _differences(size: int, root: str, entries: list[log.Entry]) -> list[str]:
    """Each position where the log today differs from the leaves checkpoint (size, root)
    recorded, in order; or, where that record itself was altered, the first checkpoint the
    log no longer matches."""
    try:
        original = checkpoints.recorded(size)
    except checkpoints.LogBroken as exc:
        original, broken = [], str(exc)
    else:
        broken = "" if merkle.root(original).hex() == root else "it no longer hashes to its root"
    if broken:
        return [f"the checkpoints' record of the leaves was altered too ({broken}); "
                + _first_unmatched([e.leaf for e in entries])]  # fmt: skip
    at = {e.position: e for e in entries}
    now_at = {e.leaf: e.position for e in entries}
    found = []
    for position, leaf in enumerate(original):
        entry = at.get(position)
        if entry is None:
            found.append(f"position {position}: missing: what the checkpoint covered was deleted")
        elif entry.leaf != leaf and leaf in now_at:
            found.append(
                f"position {position}: {entry.what} stands where the checkpoint had what is now "
                f"at position {now_at[leaf]}: something before it was inserted or deleted"
            )
        elif entry.leaf != leaf:
            found.append(f"position {position}: {entry.what} is not what the checkpoint covered")
    return found or [f"the log today is shorter than the checkpoint's {size} leaves"]


def _first_unmatched(leaves: list[bytes]) -> str:
    frontier: list[bytes] = []
    done = 0
    for size, root in Checkpoint.objects.order_by("size").values_list("size", "root"):
        if size > len(leaves):
            return f"the log is shorter than checkpoint {size}"
        frontier, done = merkle.extend(frontier, done, leaves[done:size])
        if merkle.frontier_root(frontier).hex() != root:
            return f"the log first differs from the stored checkpoints before position {size}"
    return "the stored checkpoints all match the log"
