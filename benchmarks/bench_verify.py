"""`kawal verify`: events checked per second over a whole night of the demo, beside its floor.

Figure: the `kawal verify` command (every box's chain recomputed from what is stored: each
event read, its canonical JSON rebuilt, hashed onto the previous hash and checked against
the stored hash and the box's head) over the demo after every box's whole journey (14
events a box) went through the ledger. Floor: bare hashlib over the same bytes (each
event's prev_hash + canonical JSON, read and built beforehand), so the floor times only the
hashing that no verifier can skip. The issue's aim: at least half the floor.
"""

import hashlib
import io
import time

from benchmarks import Figure, dataset, workloads


def _night() -> int:
    """Every box's whole journey through the ledger; how many events it stored."""
    from django.contrib.auth import get_user_model

    from kawal.custody import ledger

    world = workloads.World.read()
    boxes = world.boxes[: max(16, int(len(world.boxes) * workloads.size()))]
    komandan = get_user_model().objects.get(username="komandan")
    events = [e for box in boxes for e in workloads.journey(world, box)]
    for batch in workloads.batches_of(events, 1000):
        ledger.ingest(komandan, batch)
    return len(events)


def _hashed_bytes() -> list[bytes]:
    from kawal.custody import chain
    from kawal.custody.columns import EVENT, named, reads
    from kawal.custody.models import CustodyEvent

    rows = CustodyEvent.objects.order_by("box_id", "seq").values(*reads(EVENT)).iterator(5000)
    return [(row["prev_hash"] + chain.canonical(row)).encode() for row in map(named, rows)]


def run() -> list[Figure]:
    from django.core.management import call_command

    dataset.prepare()
    dataset.reset()
    events = _night()
    out = io.StringIO()
    started = time.perf_counter()
    call_command("verify", stdout=out)
    seconds = time.perf_counter() - started
    if not out.getvalue().startswith("OK"):
        raise RuntimeError(f"verify failed on a clean ledger: {out.getvalue()[:300]}")
    inputs = _hashed_bytes()
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for data in inputs:
        sha256(data).hexdigest()
    floor = len(inputs) / (time.perf_counter() - started)
    dataset.reset()
    return [
        Figure(
            f"kawal verify, every chain ({dataset.engine()})",
            events / seconds,
            "events/s",
            floor,
            "bare hashlib over the same bytes (prev_hash + canonical JSON), built beforehand",
            aim=">= half the floor",
            note=f"{events:,} events, {events // len(workloads.WALK):,} boxes of 14; {seconds:.2f} s",
        )
    ]
