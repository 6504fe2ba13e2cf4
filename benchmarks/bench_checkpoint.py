"""Checkpoints: the cost of signing the custody log's head on the demo, beside its floor.

Figures (on the database the run is configured for; SQLite in var/bench by default), after
every box's first four legs went through the ledger (21,856 events):
- the first checkpoint: read every event and audit entry, recompute each leaf from what is
  stored (the event's chain hash; the entry's canonical JSON), build the RFC 9162 tree,
  sign it and store it with its leaves;
- a checkpoint after one more batch of 500 events, extending the last one's frontier.
Floor for both: bare hashlib over the same leaves, already in memory: each chain hash, its
leaf hash and the tree's nodes, with no database and no Django.

The same two on the national dataset (benchmarks/national.py, about 7.9 million events with
their log positions), on PostgreSQL in its own database, as bench_overview does: the first
checkpoint over the whole log, then the next after a batch of 500 events appended in bulk
SQL (a checkpoint's cost depends on the leaves it adds, not on how they came). The run
removes its checkpoints and batch afterwards, so that the next run's first is a first again.
"""

import hashlib
import json
import os
import sys
import time

from benchmarks import Figure, dataset, workloads

BATCH = 500
LEGS = 4  # every box's first legs: KPU -> PPK -> PPS


def _batches() -> list[list[dict]]:
    """Every box's first legs, in the order they happened across the regency."""
    world = workloads.World.read()
    journeys = [workloads.journey(world, box)[:LEGS] for box in world.boxes]
    return workloads.batches_of((j[leg] for leg in range(LEGS) for j in journeys), BATCH)


def _ingest(batches: list[list[dict]]) -> None:
    from django.contrib.auth import get_user_model

    from kawal.custody import ledger

    komandan = get_user_model().objects.get(username="komandan")
    for batch in batches:
        ledger.ingest(komandan, batch)


def _timed_checkpoint() -> tuple[float, int, int]:
    """Milliseconds to take a checkpoint, its size and how many leaves it added."""
    from kawal.custody import checkpoints

    started = time.perf_counter()
    taken = checkpoints.take("benchmark")
    return (time.perf_counter() - started) * 1000, taken.size, len(bytes(taken.leaves)) // 32


def _leaf_inputs(start: int) -> list[bytes]:
    """What each leaf from `start` on hashes, read beforehand: the floor times only hashing.
    An event's is its chain's input (prev_hash + canonical JSON); an audit entry's, its JSON."""
    from kawal.accounts.models import AuditEntry
    from kawal.custody import chain, log
    from kawal.custody.columns import EVENT, named, reads
    from kawal.custody.models import CustodyEvent

    events = (
        CustodyEvent.objects.filter(position__gte=start)
        .values(*reads(EVENT))
        .iterator(chunk_size=5000)
    )
    audits = (
        AuditEntry.objects.filter(position__gte=start)
        .values("position", *log.AUDIT_FIELDS)
        .iterator(chunk_size=5000)
    )
    inputs = {
        row["position"]: (row["prev_hash"] + chain.canonical(row)).encode()
        for row in map(named, events)
    }
    inputs.update((row["position"], log.audit_canonical(row).encode()) for row in audits)
    return [inputs[p] for p in sorted(inputs)]


def _bare_hashlib(inputs: list[bytes], frontier: list[bytes], size: int) -> float:
    """Milliseconds to hash `inputs` into leaves and extend the tree, with hashlib alone."""
    sha256 = hashlib.sha256
    started = time.perf_counter()
    stack = list(frontier)
    for data in inputs:
        node = sha256(b"\x00" + sha256(data).digest()).digest()
        carried = size
        while carried & 1:
            node = sha256(b"\x01" + stack.pop() + node).digest()
            carried >>= 1
        stack.append(node)
        size += 1
    root = stack[-1]
    for left in reversed(stack[:-1]):
        root = sha256(b"\x01" + left + root).digest()
    return (time.perf_counter() - started) * 1000


def _demo() -> list[Figure]:
    from django.db import connection

    from kawal.custody import checkpoints

    dataset.prepare()
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    dataset.reset()
    batches = _batches()
    _ingest(batches)
    inputs = _leaf_inputs(0)
    first_ms, size, _ = _timed_checkpoint()
    first_floor = _bare_hashlib(inputs[:size], [], 0)
    last = checkpoints.latest()
    _ingest([[{**e, "id": e["id"][:-4] + "beef"} for e in batches[0]]])
    inputs = _leaf_inputs(last.size)
    next_ms, _, added = _timed_checkpoint()
    next_floor = _bare_hashlib(inputs[:added], [bytes.fromhex(h) for h in last.frontier], last.size)
    dataset.reset()
    events = sum(len(b) for b in batches)
    return [
        Figure(
            "first checkpoint over the demo's log", first_ms, "ms", first_floor,
            "bare hashlib over the same leaves",
            note=f"{engine}; {size:,} leaves: {events:,} events and the audit entries",
        ),
        Figure(
            "next checkpoint after a batch", next_ms, "ms", next_floor,
            "bare hashlib over the same leaves",
            note=f"{engine}; {added:,} leaves added: a batch of {BATCH} events and its audit",
        ),
    ]  # fmt: skip


def run() -> list[Figure]:
    from benchmarks import national_checkpoint

    return _demo() + national_checkpoint.run()


if __name__ == "__main__" and sys.argv[1:] == ["national"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawal.settings")
    import django

    django.setup()
    from benchmarks import national_checkpoint

    print("FIGURES " + json.dumps(national_checkpoint.figures()))
