"""Custody ingest under a live `kawal serve`, as 16 field devices load it, beside the floor.

Figures (on the database the run is configured for; SQLite in var/bench by default), each
from 16 devices posting to `POST /api/v1/custody/events` at once, each device on its own
keep-alive connection with its own API token, owning its own boxes (benchmarks/workloads.py):
- journeys in time order: every box's whole journey (14 events), 100 events a request;
- one event per request: the same journeys, each event its own request (requests/s, p95);
- late events onto long histories: every box already holds 40 events (its journey and
  26 seal checks at KPU); each device, a village's phone that was offline, then sends 20 seal
  checks for each of its 24 boxes, made days before, shuffled, 100 a request, every one before
  the box's last event, so every box is folded again;
- signed journeys: as the first, each event signed by its device (ECDSA P-256) and checked
  against the device's enrolled key (kawal/field/signers.py).
Floor of each: the same event rows (hashes included) and the same box updates written by
the bare driver (sqlite3 or psycopg executemany), one transaction per request's worth of
events, measured in the same run. The aims are issue 12's (5,000 events/s; 300 requests/s;
2,000 events/s). A run that leaves any event rejected, or raises any alert, fails: a
correct night raises none.
"""

from benchmarks import Figure, dataset, workloads
from benchmarks.serving import Run, Serving, post_all
from benchmarks.signing import enrolled_phones

BATCH = 100
LATE_PER_BOX = 20
VILLAGE_BOXES = 24  # what one phone holds late: a village's boxes, about 12 TPS of 2 boxes
HISTORY_CHECKS = 26
DEVICES = workloads.DEVICES
FLOOR = "the same rows and box updates by the bare driver (executemany), same batches"


def _serve(devices: list[tuple[str, list[bytes]]]) -> Run:
    with Serving() as port:
        run = post_all(port, devices)
    if run.failures:
        raise RuntimeError(f"{len(run.failures)} requests failed, e.g. {run.failures[0]}")
    raised = dataset.alerts_raised()
    if raised:
        raise RuntimeError(f"a correct night raised alerts: {raised}")
    return run


def _measure(bodies: list[list[bytes]], batch: int, since: int = 0) -> tuple[Run, int, float]:
    """Serve the devices' bodies; the run, the events it stored and the bare driver's floor."""
    run = _serve(list(zip(dataset.tokens(len(bodies)), bodies, strict=True)))
    columns, events, heads = dataset.stored_rows(since)
    return run, len(events), dataset.bare_driver(columns, events, heads, batch)


def _boxes(share: float = 1.0) -> list[str]:
    world = workloads.World.read()
    return world.boxes[: max(DEVICES, int(len(world.boxes) * workloads.size() * share))]


def _in_order(world: workloads.World) -> list[Figure]:
    boxes = _boxes()
    run, events, floor = _measure(workloads.in_order(world, boxes, BATCH), BATCH)
    dataset.reset()
    return [Figure(
        f"journeys in time order, {DEVICES} devices, {BATCH} events a request ({dataset.engine()})",
        events / run.seconds, "events/s", floor, FLOOR, aim=">= 5,000 events/s",
        note=f"{events:,} events, {len(boxes):,} boxes; p95 {run.p95_ms():,.0f} ms a request",
    )]  # fmt: skip


def _one_by_one(world: workloads.World) -> list[Figure]:
    boxes = _boxes(0.05)
    run, events, floor = _measure(workloads.in_order(world, boxes, 1), 1)
    dataset.reset()
    return [Figure(
        f"one event a request, {DEVICES} devices ({dataset.engine()})",
        len(run.latencies) / run.seconds, "requests/s", floor, FLOOR + " (one event each)",
        aim=">= 300 requests/s",
        note=f"{events:,} requests; p95 {run.p95_ms():,.0f} ms",
    )]  # fmt: skip


def _late(world: workloads.World) -> list[Figure]:
    from django.contrib.auth import get_user_model

    from kawal.custody import ledger

    boxes = world.boxes[: max(DEVICES, int(DEVICES * VILLAGE_BOXES * workloads.size()))]
    komandan = get_user_model().objects.get(username="komandan")
    stored = (e for box in boxes for e in workloads.history(world, box, HISTORY_CHECKS))
    for batch in workloads.batches_of(stored, 500):
        ledger.ingest(komandan, batch)
    since = dataset.log_size()
    run, events, floor = _measure(workloads.late(world, boxes, LATE_PER_BOX, BATCH), BATCH, since)
    dataset.reset()
    return [Figure(
        f"late events onto long histories, {DEVICES} devices, {BATCH} a request ({dataset.engine()})",
        events / run.seconds, "events/s", floor, FLOOR, aim=">= 2,000 events/s",
        note=(f"{events:,} events onto {len(boxes):,} boxes of {len(workloads.WALK) + HISTORY_CHECKS}"
              f" events each, shuffled; p95 {run.p95_ms():,.0f} ms a request"),
    )]  # fmt: skip


def _signed(world: workloads.World, unsigned: float) -> list[Figure]:
    boxes = _boxes(0.25)
    phones = enrolled_phones(DEVICES)
    bodies = workloads.in_order(world, boxes, BATCH, sign=lambda n, e: phones[n].signed(e))
    devices = [(phone.token, mine) for phone, mine in zip(phones, bodies, strict=False)]
    run = _serve(devices)
    columns, events, heads = dataset.stored_rows()
    floor = dataset.bare_driver(columns, events, heads, BATCH)
    rate = len(events) / run.seconds
    return [Figure(
        f"signed journeys, {DEVICES} enrolled phones, {BATCH} events a request ({dataset.engine()})",
        rate, "events/s", floor, FLOOR,
        note=(f"{len(events):,} events, each signature checked; unsigned in the same run "
              f"{unsigned:,.0f} events/s ({rate / unsigned - 1:+.0%})"),
    )]  # fmt: skip


def run() -> list[Figure]:
    dataset.prepare()
    dataset.reset()
    world = workloads.World.read()
    figures = _in_order(world)
    figures += _one_by_one(world)
    figures += _late(world)
    figures += _signed(world, figures[0].value)
    dataset.reset()
    return figures

