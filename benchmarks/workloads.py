"""The loads field devices make on election night, as the bodies they post.

Every box travels the whole journey, 14 events: KPU -> PPK -> PPS -> TPS, opened, sealed,
then TPS -> PPS -> PPK -> KPU, each departure escorted by a Polri member, each move with a
GPS fix at its place, the seals recorded at sealing checked on every arrival after it. The
demo operation has no approved plan, so no escort is held to one: a correct night raises no
alert, and the benchmarks check that it raised none.

Each device owns a run of boxes (a district's convoy, a village's TPS posts), and sends
them in the order it recorded them:
- `in_order`: whole journeys, box after box, cut into batches;
- `one_by_one`: the same, one event per request, as a phone online at every step;
- `late`: events a phone kept offline for days, arriving onto boxes whose long histories
  are stored already, every one of them before the box's last event.
"""

import json
import os
import random
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# (kind, the length of the place's code: 5 regency, 8 district, 13 village, 17 TPS)
WALK = (
    ("departed", 5), ("arrived", 8), ("departed", 8), ("arrived", 13), ("departed", 13),
    ("arrived", 17), ("opened", 17), ("sealed", 17), ("departed", 17), ("arrived", 13),
    ("departed", 13), ("arrived", 8), ("departed", 8), ("arrived", 5),
)  # fmt: skip
SEALED_AT = 7  # the step of WALK that seals the box
STEP = timedelta(hours=3)
START = datetime(2024, 11, 23, tzinfo=UTC)
DEVICES = 16


def size() -> float:
    """KAWAL_BENCH_SIZE scales every workload (1 = the whole demo regency): a quick run."""
    return float(os.environ.get("KAWAL_BENCH_SIZE", "1"))


@dataclass(frozen=True)
class World:
    boxes: list[str]  # every box code, in code order
    points: dict[str, tuple[float, float]]  # region and TPS codes -> (lat, lng)
    polri: list[str]  # NRPs of Polri members in the regency

    @classmethod
    def read(cls) -> "World":
        from kawal.custody.models import Box
        from kawal.personnel.models import Member
        from kawal.territory.models import TPS, Region

        points = {c: (y, x) for c, y, x in Region.objects.values_list("code", "lat", "lng")}
        points.update((c, (y, x)) for c, y, x in TPS.objects.values_list("code", "lat", "lng"))
        return cls(
            list(Box.objects.order_by("code").values_list("code", flat=True)),
            points,
            list(Member.objects.filter(force="polri").order_by("nrp").values_list("nrp", flat=True)[:500]),
        )  # fmt: skip


def event(world: World, box: str, step: int, at: datetime, **fields: object) -> dict:
    kind, length = WALK[step] if step < len(WALK) else ("seal_checked", 5)
    place = box[:length]
    after_sealing = step >= SEALED_AT
    return {
        "id": str(uuid.uuid4()), "box": box, "kind": kind, "occurred_at": at.isoformat(),
        "place": place, "lat": world.points[place][0], "lng": world.points[place][1],
        "escorts": [world.polri[zlib.crc32(box.encode()) % len(world.polri)]] if kind == "departed" else [],
        "seals": [f"S-{box}-1", f"S-{box}-2"] if after_sealing and kind != "departed" else [],
        **fields,
    }  # fmt: skip


def journey(world: World, box: str, start: datetime = START) -> list[dict]:
    return [event(world, box, i, start + i * STEP) for i in range(len(WALK))]


def owned(boxes: list[str], devices: int = DEVICES) -> list[list[str]]:
    """Each device's run of boxes: contiguous in code order, as a district's would be."""
    share = -(-len(boxes) // devices)
    return [boxes[i : i + share] for i in range(0, len(boxes), share)]


def _cut(events: list[dict], batch: int) -> list[bytes]:
    return [json.dumps(events[i : i + batch]).encode() for i in range(0, len(events), batch)]


Sign = Callable[[int, dict], dict]  # a device's number and an event -> the event as sent


def in_order(
    world: World, boxes: list[str], batch: int, sign: Sign | None = None
) -> list[list[bytes]]:
    """Each device's bodies: its boxes' whole journeys in time order, `batch` events each."""
    bodies = []
    for n, mine in enumerate(owned(boxes)):
        events = [e for box in mine for e in journey(world, box)]
        if sign is not None:
            events = [sign(n, e) for e in events]
        bodies.append(_cut(events, batch))
    return bodies


def history(world: World, box: str, checks: int) -> list[dict]:
    """A long history: the whole journey, then `checks` seal checks at the KPU warehouse, a
    day apart, while the box waits there for the recount deadline."""
    events = journey(world, box)
    home = START + len(WALK) * STEP
    return events + [
        event(world, box, len(WALK), home + i * timedelta(days=1)) for i in range(checks)
    ]


def late(
    world: World, boxes: list[str], per_box: int, batch: int, seed: int = 12
) -> list[list[bytes]]:
    """Each device's bodies: `per_box` seal checks at the TPS for each of its boxes, made
    between sealing and leaving the TPS, arriving days late and in shuffled order."""
    rng = random.Random(seed)
    sealed = START + SEALED_AT * STEP
    bodies = []
    for mine in owned(boxes):
        events = []
        for box in mine:
            for i in range(per_box):
                at = sealed + (i + 1) * STEP / (per_box + 1)
                tps = box[:17]
                events.append({
                    **event(world, box, SEALED_AT, at), "kind": "seal_checked",
                    "place": tps, "id": str(uuid.uuid4()),
                })  # fmt: skip
        rng.shuffle(events)
        bodies.append(_cut(events, batch))
    return bodies


def batches_of(events: Iterator[dict] | list[dict], batch: int) -> list[list[dict]]:
    items = list(events)
    return [items[i : i + batch] for i in range(0, len(items), batch)]
