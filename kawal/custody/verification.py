"""Checking the ledger: recompute every chain, and checkpoints that prove append-only history.

`verify()` names every problem of every chain: each link that doesn't hold, each event whose
stored hash no longer matches its content, and a chain that doesn't end at its box's head. A checkpoint is one digest over every chain's head
(box, seq, hash); given an earlier digest, `since()` says whether every head it committed
to is still in place, which holds only if history since was appended to and nothing else.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kawal.custody import chain
from kawal.custody.columns import EVENT, named, reads
from kawal.custody.models import Box, Checkpoint, CustodyEvent
from kawal.territory.codes import within


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
    if region:
        events = events.filter(within("box__code", region))
        boxes = boxes.filter(within("code", region))
    broken: list[Break] = []
    tail: dict[str, tuple[int, str]] = {}
    count = 0
    for stored in events.values(*reads(EVENT)).iterator(chunk_size=5000):
        count += 1
        row = named(stored)  # every column of columns.EVENT, by name
        code, event_id = row["box"], str(row["id"])
        seq, prev = tail.get(code, (0, chain.GENESIS))
        tail[code] = (row["seq"], row["hash"])
        if chain.link(row["prev_hash"], row) != row["hash"]:
            broken.append(Break(code, row["seq"], event_id, "content does not match its hash"))
        if row["seq"] != seq + 1:
            broken.append(Break(code, row["seq"], event_id, f"seq {row['seq']} follows seq {seq}"))
        elif row["prev_hash"] != prev:
            broken.append(Break(code, row["seq"], event_id, "prev_hash is not the hash before it"))
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


def heads() -> dict[str, tuple[int, str]]:
    """Each chain's last event, read from the events themselves."""
    last = CustodyEvent.objects.filter(box=OuterRef("box")).order_by("-seq").values("seq")[:1]
    return {
        code: (seq, h)
        for code, seq, h in CustodyEvent.objects.order_by()
        .filter(seq=Subquery(last))
        .values_list("box__code", "seq", "hash")
    }


@transaction.atomic
def checkpoint() -> Checkpoint:
    """Take a checkpoint of every chain's head now, and keep it."""
    now_heads = heads()
    digest = chain.heads_digest(now_heads)
    return Checkpoint.objects.create(
        created_at=timezone.now(),
        digest=digest,
        events=sum(seq for seq, _ in now_heads.values()),
        heads={code: [seq, h] for code, (seq, h) in now_heads.items()},
    )


@dataclass
class Since:
    append_only: bool
    checkpoint: Checkpoint | None
    problems: list[str]


def since(digest: str) -> Since:
    """Whether history since the checkpoint `digest` was only appended to."""
    earlier = Checkpoint.objects.filter(digest=digest).order_by("created_at").first()
    if earlier is None:
        return Since(False, None, [f"no checkpoint {digest} is stored"])
    stored = {code: (seq, h) for code, (seq, h) in earlier.heads.items()}
    if chain.heads_digest(stored) != digest:
        return Since(False, earlier, ["the stored checkpoint no longer matches its digest"])
    problems = [f"{b.box}: {b.problem}" for b in verify().broken]
    now_at = {
        (code, seq): h
        for code, seq, h in CustodyEvent.objects.filter(box__code__in=list(stored)).values_list(
            "box__code", "seq", "hash"
        )
    }
    for code, (seq, h) in sorted(stored.items()):
        if now_at.get((code, seq)) != h:
            problems.append(f"{code}: seq {seq} is no longer the event the checkpoint recorded")
    return Since(not problems, earlier, problems)
