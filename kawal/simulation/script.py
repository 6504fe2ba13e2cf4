"""A simulation's script: from the plan and territory (a World) to what every phone sends and
when, with the faults injected and recorded. Pure, and the same for the same seed.

Each team of the approved plan carries one phone (its leader's). A phone syncs every few
minutes and sends what it has queued in small batches, one request at a time; a fault may hold
a record back (offline, out of order) or send a batch twice (duplicate).
"""

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kawal.simulation import faults
from kawal.simulation import journeys as j
from kawal.simulation.faults import Fault
from kawal.simulation.journeys import Journeys, Maker, sync_at
from kawal.simulation.world import Team, World

BATCH = 50  # records in one request
RESEND_AFTER = 3 * j.MINUTE  # a phone that got no answer sends the batch again


@dataclass(frozen=True)
class Send:
    """One request a phone makes: a batch of records to one endpoint, at a simulated time."""

    device: str
    endpoint: str
    at: datetime
    items: tuple[dict[str, Any], ...]
    resend: bool = False


@dataclass(frozen=True)
class Script:
    region: str
    sends: tuple[Send, ...]  # in the order of their times
    faults: tuple[Fault, ...]
    devices: Mapping[str, Team]  # the teams whose phones send, by post code
    starts_at: datetime
    ends_at: datetime  # when every fault's alert holds and every send is made

    def count(self, endpoint: str) -> int:
        """Records sent to `endpoint`, resends not counted."""
        return sum(len(s.items) for s in self.sends if s.endpoint == endpoint and not s.resend)

    @property
    def events(self) -> int:
        return self.count(j.EVENTS)

    @property
    def incidents(self) -> int:
        return self.count(j.INCIDENTS)

    @property
    def checkins(self) -> int:
        return self.count(j.CHECKINS)


def build(world: World, *, seed: int, profile: str, checkins: bool = True) -> Script:
    """The whole script of `world`'s operation with the faults of `profile`, and the team
    leaders' check-ins unless `checkins` is off (a check-in needs an enrolled phone).

    The seed and the region make every random choice and every record id, so that two runs
    on two districts of one server never send the same id.
    """
    make = Maker(random.Random(f"{seed}/{world.region}"))
    records = Journeys(world, make, checkins=checkins).records()
    injected = faults.inject(world, records, profile, make)
    groups: dict[tuple[str, str, datetime], list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(injected.records.values(), key=lambda r: (r.at, r.device, r.id)):
        at = injected.send_at.get(r.id) or sync_at(r.device, r.at)
        groups[(r.device, r.endpoint, at)].append(r.item)
    sends = [
        Send(device, endpoint, at, tuple(items[i : i + BATCH]))
        for (device, endpoint, at), items in groups.items()
        for i in range(0, len(items), BATCH)
    ]
    sends += [_resend(sends, f.resent) for f in injected.faults if f.resent]
    sends.sort(key=lambda s: (s.at, s.device, s.resend))
    holds = [f.holds_from for f in injected.faults if f.holds_from]
    return Script(
        region=world.region,
        sends=tuple(sends),
        faults=tuple(injected.faults),
        devices={s.device: world.teams[s.device] for s in sends},
        starts_at=sends[0].at if sends else world.stages["voting"][0],
        ends_at=max([s.at for s in sends[-1:]] + holds, default=world.stages["voting"][0]),
    )


def _resend(sends: list[Send], record_id: str) -> Send:
    send = next(s for s in sends if any(str(i["id"]) == record_id for i in s.items))
    return replace(send, at=send.at + RESEND_AFTER, resend=True)
