"""Faults injected into the planned night, each recorded with the alerts it must leave standing.
Pure: records in, records (changed, held back or resent) and the faults out.

The alerts expected are those of the ledger's rules (custody/rules.py) with issue 10's rule for
corrections: a correction never resolves an alert by itself, and raises its own `correction`
alert at the severity of the alerts it touches; late events may lapse only `skipped_leg`
warnings. An alert that lapses when late records arrive is no alert left standing.

Each fault, what the phones do, and what must stand at the end:
- late leg: a box leaves the PPK for the KPU and is still on the road past its due time;
  `overdue` (warning).
- no escort: a box leaves its TPS with no escort listed; `escort` (critical).
- seal mismatch: a box arrives at the PPK with a seal that isn't one sealed at the TPS;
  `seal_mismatch` (critical).
- forged handover: as above, then the same phone corrects that arrival and sends a new one
  with the right seals, backdated; `seal_mismatch` and `correction` (both critical).
- offline: a village escort's phone loses signal on the tour to the TPS and sends its queue
  the next morning, after the TPS have opened the boxes; none, and every late record accepted.
- duplicate: a phone sends a batch again, as if the answer was lost; none, and each record
  of the resend answered `duplicate`.
- out of order: a TPS post's phone sends a box's sealing before its opening; none.
- stranger escort: a box leaves its PPS for the PPK with a member of the plan listed among its
  escorts whom the plan puts on none of the box's teams; `escort_not_in_plan` (warning).
- no GPS: a box arrives at its PPS from the PPK with no GPS fix; `missing_gps` (info) where
  the operation asks for GPS, none where it doesn't.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kawal.custody import rules
from kawal.simulation import world as w
from kawal.simulation.journeys import HOUR, MINUTE, Maker, Record, sync_at
from kawal.simulation.world import World

LATE_LEG, NO_ESCORT, SEAL_MISMATCH, FORGED_HANDOVER = (
    "late leg", "no escort", "seal mismatch", "forged handover",
)  # fmt: skip
OFFLINE, DUPLICATE, OUT_OF_ORDER = "offline", "duplicate", "out of order"
STRANGER, NO_GPS = "stranger escort", "no GPS"
KINDS = (
    LATE_LEG, NO_ESCORT, SEAL_MISMATCH, FORGED_HANDOVER, OFFLINE, DUPLICATE, OUT_OF_ORDER,
    STRANGER, NO_GPS,
)  # fmt: skip
# Not injected: a departure whose planned team already breaks the escort rule.
SHORT_TEAM = "short team (plan)"
# How many of each fault per 1,000 boxes (at least one of each where the rate isn't 0).
PROFILES: dict[str, dict[str, float]] = {
    "none": {},
    "realistic": {
        LATE_LEG: 0.5, NO_ESCORT: 0.5, SEAL_MISMATCH: 0.4, FORGED_HANDOVER: 0.2, OFFLINE: 0.2,
        DUPLICATE: 1.0, OUT_OF_ORDER: 1.0, STRANGER: 0.3, NO_GPS: 0.3,
    },
}  # fmt: skip
PROFILES["storm"] = {kind: 10 * rate for kind, rate in PROFILES["realistic"].items()}
CRITICAL, WARNING, INFO = "critical", "warning", "info"


@dataclass(frozen=True)
class Expected:
    """An alert that must stand at the end: on `box`, of `rule`, at `severity`."""

    box: str
    rule: str
    severity: str


@dataclass(frozen=True)
class Fault:
    kind: str
    device: str  # the post whose phone does it
    boxes: tuple[str, ...]  # the boxes it touches: no other fault touches them
    what: str
    alerts: tuple[Expected, ...] = ()
    resent: str | None = None  # a record whose batch is sent twice
    held: tuple[str, ...] = ()  # records sent late: each must be accepted all the same
    holds_from: datetime | None = None  # its alerts hold from then on (a late leg's due time)


@dataclass
class Injected:
    records: dict[str, Record]  # by id
    faults: list[Fault] = field(default_factory=list)
    send_at: dict[str, datetime] = field(default_factory=dict)  # held-back records by id


class Injector:
    def __init__(self, world: World, records: list[Record], make: Maker):
        self.world, self.make, self.rng = world, make, make.rng
        self.done = Injected({r.id: r for r in records})
        self.steps: dict[tuple[str, str], Record] = {(r.box, r.step): r for r in records if r.box}
        self.used: set[str] = set()
        self.forces = {nrp: force for t in world.teams.values() for nrp, force in t.members}

    def pick(self) -> str:
        """A box no fault touches yet."""
        free = [b for b in self.world.boxes if b not in self.used]
        if not free:
            raise ValueError("more faults than boxes: choose a milder profile or a larger region")
        box = self.rng.choice(free)
        self.used.add(box)
        return box

    def replace(self, new: Record) -> None:
        self.done.records[new.id] = new

    def fault(self, kind: str, record: Record, what: str, *alerts: tuple[str, str],
              **more: Any) -> None:  # fmt: skip
        expected = tuple(Expected(record.box, rule, severity) for rule, severity in alerts)
        self.done.faults.append(Fault(kind, record.device, (record.box,), what, expected, **more))

    def short_teams(self) -> None:
        """Boxes that a team short of what the escort rule asks for moves: the plan's own
        shortfall raises those alerts, so they are expected, and no fault touches the box."""
        config = rules.Config(require_joint_escort=self.world.joint_escort)
        found: dict[tuple[str, str], list[rules.Finding]] = defaultdict(list)
        for r in self.done.records.values():
            if r.step.endswith(".departed"):
                forces = [self.forces[nrp] for nrp in r.item.get("escorts", [])]
                found[(r.box, r.device)] += rules.escort("departed", forces, config)
        for (box, device), findings in sorted(found.items()):
            if findings:
                self.used.add(box)
                alerts = tuple(Expected(box, f.rule, f.severity) for f in findings)
                what = f"the plan's team: {'; '.join(f.message for f in findings)}"
                self.done.faults.append(Fault(SHORT_TEAM, device, (box,), what, alerts))

    def late_leg(self) -> None:
        box = self.pick()
        left = self.steps[(box, "ppk_kpu.departed")]
        for step in ("ppk_kpu.arrived", "ppk_kpu.handed_over"):
            del self.done.records[self.steps[(box, step)].id]
        due = left.at + timedelta(hours=self.world.legs[box[:13]]["ppk_kpu"])
        self.fault(LATE_LEG, left, "left the PPK for the KPU and never arrived",
                   ("overdue", WARNING), holds_from=due + 30 * MINUTE)  # fmt: skip

    def no_escort(self) -> None:
        left = self.steps[(self.pick(), "tps_pps.departed")]
        item = {k: v for k, v in left.item.items() if k != "escorts"}
        self.replace(replace(left, item=item))
        self.fault(NO_ESCORT, left, "left its TPS with no escort listed", ("escort", CRITICAL))

    def swap_seal(self, box: str) -> Record:
        """The box's arrival at the PPK on its way back, with one seal that isn't its own."""
        arrived = self.steps[(box, "pps_ppk.arrived")]
        seals = list(arrived.item["seals"])
        seals[-1] = seals[-1][:-6] + f"{900000 + self.rng.randrange(100000):06d}"
        swapped = replace(arrived, item={**arrived.item, "seals": seals})
        self.replace(swapped)
        return swapped

    def seal_mismatch(self) -> None:
        arrived = self.swap_seal(self.pick())
        what = f"arrived at the PPK with seal {arrived.item['seals'][-1]}"
        self.fault(SEAL_MISMATCH, arrived, what, ("seal_mismatch", CRITICAL))

    def forged_handover(self) -> None:
        """The reviewer's attack in issue 10: hide a seal mismatch behind a correction."""
        box = self.pick()
        arrived, original = self.swap_seal(box), self.steps[(box, "pps_ppk.arrived")]
        ppk = self.world.districts[box[:8]]
        forged_at = arrived.at + 20 * MINUTE
        correction = self.make.event(
            "pps_ppk.correction", arrived.device, box, forged_at, ppk, corrects=arrived.id,
            note="Salah input nomor segel saat kedatangan.",
        )  # fmt: skip
        again = self.make.event("pps_ppk.arrived", arrived.device, box, arrived.at + MINUTE // 60,
                                ppk, seals=original.item["seals"])  # fmt: skip
        for record in (correction, replace(again, at=forged_at)):
            self.done.records[record.id] = record
        self.fault(FORGED_HANDOVER, arrived, "seal mismatch at the PPK, then corrected away",
                   ("seal_mismatch", CRITICAL), ("correction", CRITICAL))  # fmt: skip

    def offline(self) -> None:
        """A village escort's phone loses signal on the tour and sends its queue at 09:00."""
        villages = sorted({b[:13] for b in self.world.boxes} - {b[:13] for b in self.used})
        if not villages:
            raise ValueError("no village left for an offline phone: choose a milder profile")
        v = self.rng.choice(villages)
        team = self.world.team(w.PPK_PPS, v)
        boxes = tuple(b for b in self.world.boxes if b[:13] == v)
        self.used.update(boxes)
        since = self.steps[(boxes[0], "pps_tps.departed")].at + MINUTE
        back = self.world.stages["voting"][0] + 9 * HOUR
        held = [r.id for r in self.done.records.values()
                if r.device == team.post and since <= r.at < back]  # fmt: skip
        self.done.send_at.update((i, back) for i in held)
        what = f"offline {(back - since) / HOUR:.0f} h on the TPS tour of {v}"
        self.done.faults.append(Fault(OFFLINE, team.post, boxes, what, held=tuple(held)))

    def duplicate(self) -> None:
        arrived = self.steps[(self.pick(), "tps_pps.arrived")]
        self.fault(DUPLICATE, arrived, "its arrival at the PPS sent twice", resent=arrived.id)

    def out_of_order(self) -> None:
        box = self.pick()
        opened, sealed = self.steps[(box, "tps.opened")], self.steps[(box, "tps.sealed")]
        self.done.send_at[opened.id] = sync_at(sealed.device, sealed.at) + 10 * MINUTE
        self.fault(OUT_OF_ORDER, opened, "its sealing sent before its opening", held=(opened.id,))

    def planned(self, box: str) -> set[str]:
        """The members the plan puts on the box's TPS post and escort teams: the twin of the
        ledger's reading of the plan (custody/planned.py)."""
        keys = ((w.TPS_POST, box[:17]), (w.PPK_PPS, box[:13]), (w.PPS_PPK, box[:13]),
                (w.KPU_PPK, box[:8]), (w.PPK_KPU, box[:8]))  # fmt: skip
        posts = [self.world.duties[k] for k in keys if k in self.world.duties]
        return {nrp for p in posts for nrp, _ in self.world.teams[p].members}

    def stranger(self) -> None:
        box = self.pick()
        left = self.steps[(box, "pps_ppk.departed")]
        strangers = sorted(
            {n for n, force in self.forces.items() if force in ("polri", "tni")} - self.planned(box)
        )
        if not strangers:
            raise ValueError("every member of the plan escorts every box: no stranger to send")
        nrp = self.rng.choice(strangers)
        self.replace(replace(left, item={**left.item, "escorts": [*left.item["escorts"], nrp]}))
        self.fault(STRANGER, left, f"left its PPS with {nrp}, whom the plan puts elsewhere",
                   ("escort_not_in_plan", WARNING))  # fmt: skip

    def no_gps(self) -> None:
        arrived = self.steps[(self.pick(), "ppk_pps.arrived")]
        item = {k: v for k, v in arrived.item.items() if k not in ("lat", "lng")}
        self.replace(replace(arrived, item=item))
        asked = (("missing_gps", INFO),) if self.world.require_gps else ()
        self.fault(NO_GPS, arrived, "arrived at its PPS with no GPS fix", *asked)


def counts(profile: str, boxes: int) -> dict[str, int]:
    """How many of each fault a profile injects among `boxes` boxes."""
    if profile not in PROFILES:
        raise ValueError(f"faults must be one of {', '.join(PROFILES)}, not {profile!r}")
    return {kind: max(1, round(rate * boxes / 1000)) for kind, rate in PROFILES[profile].items()}


def inject(world: World, records: list[Record], profile: str, make: Maker) -> Injected:
    """The records with the profile's faults in them, and the faults recorded."""
    injector = Injector(world, records, make)
    actions: dict[str, Callable[[], None]] = {
        OFFLINE: injector.offline, LATE_LEG: injector.late_leg, NO_ESCORT: injector.no_escort,
        SEAL_MISMATCH: injector.seal_mismatch, FORGED_HANDOVER: injector.forged_handover,
        DUPLICATE: injector.duplicate, OUT_OF_ORDER: injector.out_of_order,
        STRANGER: injector.stranger, NO_GPS: injector.no_gps,
    }  # fmt: skip
    injector.short_teams()
    # Offline phones first: they take a whole village's boxes.
    for kind, n in sorted(counts(profile, len(world.boxes)).items(), key=lambda k: k[0] != OFFLINE):
        for _ in range(n):
            actions[kind]()
    return injector.done
