"""Checkpoints: signed tree heads of the Merkle log (custody/log.py), and proofs against them.

`take()` extends the last checkpoint's tree with the leaves added since and signs the new
head. It runs by hand (`kawal checkpoint`) and automatically (`keep_taking()`, beside the
web workers: every EVERY while events arrive, and at the end of each stage). Each
checkpoint keeps the leaf hashes it added, so that the proofs served to observers and a
later `verify --against` work from what the checkpoints covered, not from what the
database holds today.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.scope import scope_of
from kawal.custody import chain, log, merkle, signing
from kawal.custody.columns import EVENT, named, reads
from kawal.custody.models import Checkpoint, CustodyEvent
from kawal.operations.models import Stage

EVERY = timedelta(minutes=5)  # the longest events wait, while they arrive, to be covered
CHECK_EVERY = 30  # seconds between the background thread's looks
HASH = 32

logger = logging.getLogger(__name__)


class LogBroken(Exception):
    """The log or the checkpoints' record of it has a hole: `kawal verify --against`."""


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size", "-id").first()


def _frontier_of(last: Checkpoint | None) -> tuple[list[bytes], int]:
    if last is None:
        return [], 0
    frontier = [bytes.fromhex(h) for h in last.frontier]
    if merkle.frontier_root(frontier).hex() != last.root or len(frontier) != last.size.bit_count():
        raise LogBroken(f"checkpoint {last.digest} no longer matches its own root")
    return frontier, last.size


@transaction.atomic
def take(reason: str, *, actor: User | None = None, now: datetime | None = None) -> Checkpoint:
    """Sign the log's head now, extending the last checkpoint with what was added since.
    `actor` None: taken by the system. Its audit entry is the first leaf after it."""
    log.hold()
    last = latest()
    frontier, size = _frontier_of(last)
    added: list[bytes] = []
    for entry in log.entries(size):
        if entry.position != size + len(added):
            raise LogBroken(f"position {size + len(added)} is missing from the log")
        added.append(entry.leaf)
    frontier, size = merkle.extend(frontier, size, added)
    head = merkle.frontier_root(frontier)
    at = (now or timezone.now()).replace(microsecond=0)
    taken = Checkpoint.objects.create(
        created_at=at,
        size=size,
        root=head.hex(),
        signed=signing.sign(size, head, at),
        key=signing.public_key(),
        leaves=b"".join(added),
        frontier=[h.hex() for h in frontier],
        reason=reason,
    )
    audit.record("custody.checkpoint", taken, actor=actor, reason=reason, digest=taken.digest)
    return taken


def due(now: datetime) -> str:
    """Why a checkpoint is due now, or "" if none is."""
    last = latest()
    if last is None:
        return "the first" if log.size() else ""
    # Events, not audit entries: a checkpoint's own audit entry would make every one due.
    grown = CustodyEvent.objects.filter(position__gte=last.size).exists()
    ended = (
        Stage.objects.filter(ends_at__gt=last.created_at, ends_at__lte=now)
        .order_by("-ends_at")
        .first()
    )
    if ended:
        return f"the end of stage {ended.kind}"
    if grown and last.created_at <= now - EVERY:
        return "events arrived"
    return ""


@transaction.atomic
def take_if_due() -> Checkpoint | None:
    """A checkpoint, if one is due. Several workers may ask at once: under the log's lock
    one signs, and the others then find none due."""
    log.hold()
    reason = due(timezone.now())
    return take(f"automatic: {reason}") if reason else None


def keep_taking(every: float = CHECK_EVERY) -> NoReturn:
    """Take each checkpoint as it falls due, for as long as the process runs (kawal/server.py)."""
    while True:
        try:
            if due(timezone.now()):  # looked at first without the lock, which blocks ingest
                take_if_due()
        except (DatabaseError, LogBroken):
            logger.exception("taking a checkpoint failed; trying again in %s s", every)
        finally:
            connection.close()  # this thread's own connection: hold none while asleep
        time.sleep(every)


def recorded(size: int) -> list[bytes]:
    """The leaf hashes of the log's first `size` positions, as the checkpoints recorded them.

    Raises LogBroken where the record has a hole or runs short.
    """
    leaves: list[bytes] = []
    rows = Checkpoint.objects.order_by("size", "id").values_list("size", "leaves")
    for upto, blob in rows.iterator(chunk_size=100):
        if len(leaves) >= size:
            break
        added = bytes(blob)
        if upto - len(added) // HASH != len(leaves):
            raise LogBroken(f"the checkpoints' record of the log has a hole before {upto}")
        leaves.extend(added[i : i + HASH] for i in range(0, len(added), HASH))
    if len(leaves) < size:
        raise LogBroken(f"no checkpoint records the log up to {size}")
    return leaves[:size]


# --- proofs for observers (api.py) -------------------------------------------------------


def readable(user: User | AnonymousUser) -> None:
    """Checkpoints and proofs are for anyone who reads custody somewhere."""
    if not scope_of(user).regions:
        raise PermissionDenied("your account holds no role over any region")


def newest(limit: int) -> list[Checkpoint]:
    return list(Checkpoint.objects.order_by("-size", "-id").defer("leaves", "frontier")[:limit])


def signed(size: int) -> Checkpoint:
    found = Checkpoint.objects.filter(size=size).order_by("id").first()
    if found is None:
        raise Http404(f"no checkpoint of size {size}")
    return found


@dataclass
class Inclusion:
    event: str
    position: int
    prev_hash: str  # with `canonical`: what the event's chain hash commits to
    canonical: str
    hash: str  # sha256(prev_hash + canonical): the leaf's content
    size: int
    root: str
    checkpoint: str  # the signed note of the tree head the proof leads to
    proof: list[str]


def inclusion(user: User | AnonymousUser, event_id: str, size: int | None) -> Inclusion:
    """The proof that an event in the caller's scope is in checkpoint `size` (the latest
    if None), with the content its leaf commits to."""
    readable(user)
    row = (
        CustodyEvent.objects.filter(scope_of(user).filter("box__code"), pk=event_id)
        .values(*reads(EVENT))
        .first()
    )
    if row is None:
        raise Http404(f"no event {event_id} in your scope")
    event = named(row)
    head = signed(size) if size is not None else latest()
    if head is None or head.size <= event["position"]:
        if size is not None:
            raise ValidationError(f"checkpoint {size} came before event {event_id}")
        raise Http404(f"event {event_id} is in no checkpoint yet")
    leaves = recorded(head.size)
    return Inclusion(
        event=event_id,
        position=event["position"],
        prev_hash=event["prev_hash"],
        canonical=chain.canonical(event),
        hash=chain.link(event["prev_hash"], event),
        size=head.size,
        root=head.root,
        checkpoint=head.signed,
        proof=[h.hex() for h in merkle.inclusion_proof(event["position"], leaves)],
    )


@dataclass
class Consistency:
    first: int
    first_root: str
    second: int
    second_root: str
    proof: list[str]


def consistency(user: User | AnonymousUser, first: int, second: int) -> Consistency:
    """The proof that checkpoint `first` is a prefix of checkpoint `second`."""
    readable(user)
    if first > second:
        raise ValidationError(f"from {first} is after to {second}")
    old, new = signed(first), signed(second)
    leaves = recorded(second)
    return Consistency(
        first=first,
        first_root=old.root,
        second=second,
        second_root=new.root,
        proof=[h.hex() for h in merkle.consistency_proof(first, leaves)],
    )
