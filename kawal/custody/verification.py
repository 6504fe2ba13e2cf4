"""Checking the ledger: recompute every chain, and checkpoints that prove append-only history.

`verify()` names, per box, the first link that doesn't hold and every event whose stored
hash no longer matches its content. A checkpoint is one digest over every chain's head
(box, seq, hash); given an earlier digest, `since()` says whether every head it committed
to is still in place, which holds only if history since was appended to and nothing else.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kawal.custody import chain
from kawal.custody.columns import EVENT, named, reads
from kawal.custody.models import Box, Checkpoint, CustodyEvent
from kawal.territory.codes import within


@dataclass
class Break:
    box: str
    seq: int | None
    event: str | None
    problem: str
    tampered: list[str] = field(default_factory=list)  # events whose content fails their hash


@dataclass
class Report:
    ok: bool
    events: int
    broken: list[Break]


def verify(region: str | None = None) -> Report:
    """Recompute every chain (in `region`, if given) from its first event."""
    events = CustodyEvent.objects.order_by("box__code", "seq")
    boxes = Box.objects.filter(head_seq__gt=0)
    if region:
        events = events.filter(within("box__code", region))
        boxes = boxes.filter(within("code", region))
    heads = {code: (seq, h) for code, seq, h in boxes.values_list("code", "head_seq", "head_hash")}
    broken: dict[str, Break] = {}
    tail: dict[str, tuple[int, str]] = {}
    count = 0
    for stored in events.values(*reads(EVENT)).iterator(chunk_size=5000):
        count += 1
        row = named(stored)  # every column of columns.EVENT, by name
        code = row["box"]
        event_id = str(row["id"])
        seq, prev = tail.get(code, (0, chain.GENESIS))
        tail[code] = (row["seq"], row["hash"])
        if chain.link(row["prev_hash"], row) != row["hash"]:
            found = broken.setdefault(
                code, Break(code, row["seq"], event_id, "content does not match its hash")
            )
            found.tampered.append(event_id)
        if code in broken:
            continue
        if row["seq"] != seq + 1:
            broken[code] = Break(code, row["seq"], event_id, f"seq {row['seq']} follows seq {seq}")
        elif row["prev_hash"] != prev:
            broken[code] = Break(code, row["seq"], event_id, "prev_hash is not the hash before it")
    for code, head in heads.items():
        if code not in broken and tail.get(code) != head:
            seq, _ = tail.get(code, (0, ""))
            broken[code] = Break(
                code,
                seq or None,
                None,
                f"the chain ends at seq {seq} but the box's head is seq {head[0]}: events are missing",
            )
    return Report(ok=not broken, events=count, broken=[broken[c] for c in sorted(broken)])


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
