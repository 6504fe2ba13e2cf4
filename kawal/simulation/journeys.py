"""The operation as planned: every box's journey and the incidents of the night, as the records
the teams' phones make. Pure: a World and a seeded random generator in, records out.

Times hang off the start of the voting stage, V (midnight WIB in the demo), after the
Banyuwangi schedule of Pilkada 2024 (DOMAIN.md):

| when | what | recorded by |
|---|---|---|
| V-4d and V-3d, from 07:00 | KPU -> PPK, one convoy per district | the district's KPU-PPK escort |
| V-2d, 08:00-11:00 | PPK -> PPS | the village's PPK-PPS escort |
| V-1d, from 18:00 | PPS -> TPS, one tour per village; handed to the KPPS | the same escort |
| V, 07:00 and 13:00-16:30 | opened, then sealed after counting | the TPS post |
| V, after sealing | TPS -> PPS, handed to the PPS | the TPS post |
| V+1d, 08:00-12:00 | PPS -> PPK, handed to the PPK | the village's PPS-PPK escort |
| V+2d to V+5d | opened for the district recapitulation, sealed again | the PPK watch |
| V+6d, from 06:00 | PPK -> KPU, handed to the KPU | the district's PPK-KPU escort |
"""

import random
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kawal.simulation import world as w
from kawal.simulation.world import Place, Team, World
from kawal.territory.distance import km

EVENTS, INCIDENTS, CHECKINS = "custody/events", "incidents", "checkins"
DAY, HOUR, MINUTE = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)
SYNC_EVERY = 5 * MINUTE  # a phone with records queued sends them this often
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
ROAD_FACTOR = 1.4  # roads wind: the distance driven against the straight line
KMH = 35.0
STOP = 10 * MINUTE  # handing a box over at a TPS on the tour
TOUR_SHARE = 0.8  # a tour finishes within this share of the time its leg allows
JITTER = 0.0007  # degrees of GPS scatter around a place (about 80 m)
SPELL = timedelta(hours=10)  # a team idle this long checks in again when it next works


@dataclass(frozen=True)
class Record:
    """One record a phone makes: a custody event, an incident report or a check-in, as it
    will be sent but for its `occurred_at`, still a datetime."""

    device: str  # the post code of the team whose phone makes it
    endpoint: str
    at: datetime
    item: dict[str, Any]
    step: str  # where in the journey: "pps_ppk.arrived", "tps.sealed", "incident"

    @property
    def id(self) -> str:
        return str(self.item["id"])

    @property
    def box(self) -> str:
        return str(self.item.get("box", ""))


class Maker:
    """Makes records from a seeded generator: ids, GPS fixes and the records themselves."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def fix(self, place: Place) -> tuple[float, float]:
        """A phone's GPS fix at `place`: a few tens of metres off its point."""
        return (
            round(place.lat + self.rng.uniform(-JITTER, JITTER), 6),
            round(place.lng + self.rng.uniform(-JITTER, JITTER), 6),
        )

    def event(self, step: str, device: str, box: str, at: datetime, place: Place,
              **fields: object) -> Record:  # fmt: skip
        """A custody event of `box`; its kind is the step's last part (`pps_ppk.arrived`)."""
        lat, lng = self.fix(place)
        item = {"id": self.uuid(), "box": box, "kind": step.rsplit(".", 1)[1], "occurred_at": at,
                "place": place.code, "lat": lat, "lng": lng}  # fmt: skip
        item.update({k: v for k, v in fields.items() if v})
        return Record(device, EVENTS, at, item, step)

    def incident(self, device: str, at: datetime, place: Place, category: str, severity: str,
                 text: str) -> Record:  # fmt: skip
        lat, lng = self.fix(place)
        item = {"id": self.uuid(), "category": category, "severity": severity, "occurred_at": at,
                "place": place.code, "lat": lat, "lng": lng, "description": text}  # fmt: skip
        return Record(device, INCIDENTS, at, item, "incident")

    def checkin(self, device: str, at: datetime, place: Place, assignment: int) -> Record:
        lat, lng = self.fix(place)
        item = {"id": self.uuid(), "occurred_at": at, "lat": lat, "lng": lng,
                "assignment": assignment}  # fmt: skip
        return Record(device, CHECKINS, at, item, "checkin")


def drive(a: Place, b: Place) -> timedelta:
    return timedelta(hours=km(a.lat, a.lng, b.lat, b.lng) * ROAD_FACTOR / KMH) + 15 * MINUTE


def sync_at(device: str, at: datetime) -> datetime:
    """When a phone sends a record made at `at`: at its next sync. Each phone syncs every
    SYNC_EVERY at its own offset, so that phones don't all send at once."""
    offset = timedelta(seconds=zlib.crc32(device.encode()) % int(SYNC_EVERY.total_seconds()))
    since = (at - offset - EPOCH) // SYNC_EVERY
    return EPOCH + offset + (since + 1) * SYNC_EVERY


class Journeys:
    """Builds the records of a World's operation, one leg at a time (`records()`)."""

    def __init__(self, world: World, make: Maker, *, checkins: bool = True):
        self.world, self.make, self.rng = world, make, make.rng
        self.with_checkins = checkins
        self.v = world.stages["voting"][0]
        self.out: list[Record] = []
        self.seals: dict[str, list[str]] = {}  # box -> seals at its last sealing
        self.serial = 0
        self.by_tps: dict[str, list[str]] = defaultdict(list)
        self.by_village: dict[str, list[str]] = defaultdict(list)
        self.by_district: dict[str, list[str]] = defaultdict(list)
        for box in world.boxes:
            self.by_tps[box[:17]].append(box)
            self.by_village[box[:13]].append(box)
            self.by_district[box[:8]].append(box)

    def records(self) -> list[Record]:
        districts, villages = sorted(self.world.districts), sorted(self.world.villages)
        for i, d in enumerate(districts):
            self.kpu_to_ppk(d, i)
        for v in villages:
            self.ppk_to_tps(v)
        for tps in sorted(self.by_tps):
            self.voting(tps)
        for v in villages:
            self.pps_to_ppk(v)
        for i, d in enumerate(districts):
            self.recap(d, i)
            self.ppk_to_kpu(d, i)
        self.incidents(districts)
        if self.with_checkins:
            self.checkins()
        return sorted(self.out, key=lambda r: (r.at, r.device, r.id))

    def checkins(self) -> None:
        """Each team's leader checks in at the post 20 minutes before the team's first record,
        and again before each spell of work that follows a long idle one."""
        last: dict[str, datetime] = {}
        for r in sorted(self.out, key=lambda r: (r.at, r.device, r.id)):
            team = self.world.teams[r.device]
            if team.assignment is not None and (
                r.device not in last or r.at - last[r.device] >= SPELL
            ):
                post = Place(team.post, team.lat, team.lng)
                self.out.append(self.make.checkin(r.device, r.at - 20 * MINUTE, post, team.assignment))
            last[r.device] = r.at

    def event(self, step: str, team: Team, box: str, at: datetime, place: Place,
              **fields: object) -> None:  # fmt: skip
        self.out.append(self.make.event(step, team.post, box, at, place, **fields))

    def move(self, leg: str, team: Team, box: str, start: Place, end: Place, left: datetime,
             arrived: datetime) -> None:  # fmt: skip
        """A departure with the team as escorts, and the arrival; seals read at both."""
        seals = list(self.seals.get(box, []))
        self.event(f"{leg}.departed", team, box, left, start, escorts=team.escorts, seals=seals)
        self.event(f"{leg}.arrived", team, box, arrived, end, seals=seals)

    def handover(self, leg: str, team: Team, box: str, at: datetime, place: Place, giver: str,
                 taker: str) -> None:  # fmt: skip
        self.event(
            f"{leg}.handed_over", team, box, at, place, from_party=giver, to_party=taker,
            document=f"BA/{taker.split()[0]}/{box}", seals=self.seals.get(box, []),
        )  # fmt: skip

    def kpu_to_ppk(self, d: str, i: int) -> None:
        team, kpu, ppk = self.world.team(w.KPU_PPK, d), self.world.kpu, self.world.districts[d]
        left = self.v - (4 - i % 2) * DAY + 7 * HOUR + (i // 2) * 40 * MINUTE
        for box in self.by_district[d]:
            self.move(w.KPU_PPK, team, box, kpu, ppk, left, left + drive(kpu, ppk))

    def ppk_to_tps(self, v: str) -> None:
        """The village's escort takes its boxes to the PPS, and the next night on to each TPS."""
        world = self.world
        team, ppk, pps = world.team(w.PPK_PPS, v), world.districts[v[:8]], world.villages[v]
        left = self.v - 2 * DAY + 8 * HOUR + self.rng.randrange(180) * MINUTE
        for box in self.by_village[v]:
            self.move(w.PPK_PPS, team, box, ppk, pps, left, left + drive(ppk, pps))
        left = self.v - DAY + 18 * HOUR + self.rng.randrange(90) * MINUTE
        allowed = timedelta(hours=world.legs[v]["pps_tps"] * TOUR_SHARE)
        for tps, reached in self.tour(pps, sorted({b[:17] for b in self.by_village[v]}), allowed):
            place = world.tps[tps]
            for box in self.by_tps[tps]:
                self.move("pps_tps", team, box, pps, place, left, left + reached)
                self.handover("pps_tps", team, box, left + reached + 5 * MINUTE, place,
                              f"PPS {v}", f"KPPS {tps}")  # fmt: skip

    def tour(
        self, start: Place, codes: list[str], allowed: timedelta
    ) -> list[tuple[str, timedelta]]:
        """A nearest-neighbour tour of the TPS: when each is reached, fitted into `allowed`."""
        here, left, elapsed, reached = start, list(codes), timedelta(0), []
        while left:
            nxt = min(left, key=lambda c: (km(here.lat, here.lng, *self._point(c)), c))
            elapsed += drive(here, self.world.tps[nxt]) + STOP
            reached.append((nxt, elapsed))
            left.remove(nxt)
            here = self.world.tps[nxt]
        scale = min(1.0, allowed / elapsed) if reached else 1.0
        return [(code, t * scale) for code, t in reached]

    def _point(self, tps: str) -> tuple[float, float]:
        p = self.world.tps[tps]
        return p.lat, p.lng

    def new_seals(self, prefix: str) -> list[str]:
        self.serial += 2
        return [f"{prefix}-{self.serial - 1:06d}", f"{prefix}-{self.serial:06d}"]

    def voting(self, tps: str) -> None:
        """Opened before voting, sealed after counting, then escorted to the PPS by the post."""
        world, r = self.world, self.rng
        team, place, pps = world.team(w.TPS_POST, tps), world.tps[tps], world.villages[tps[:13]]
        opened = self.v + 7 * HOUR + r.randrange(10) * MINUTE
        sealed = self.v + 13 * HOUR + r.randrange(210) * MINUTE
        prefix = "KPU-" + world.kpu.code.replace(".", "")
        for n, box in enumerate(self.by_tps[tps]):
            self.event("tps.opened", team, box, opened + n * MINUTE, place)
            self.seals[box] = self.new_seals(prefix)
            at = sealed + n * 10 * MINUTE
            self.event("tps.sealed", team, box, at, place, seals=self.seals[box])
        left = sealed + (30 + r.randrange(60)) * MINUTE
        arrived = left + drive(place, pps)
        for box in self.by_tps[tps]:
            self.move("tps_pps", team, box, place, pps, left, arrived)
            self.handover("tps_pps", team, box, arrived + 10 * MINUTE, pps, f"KPPS {tps}",
                          f"PPS {pps.code}")  # fmt: skip

    def pps_to_ppk(self, v: str) -> None:
        world = self.world
        team, pps, ppk = world.team(w.PPS_PPK, v), world.villages[v], world.districts[v[:8]]
        left = self.v + DAY + 8 * HOUR + self.rng.randrange(240) * MINUTE
        arrived = left + drive(pps, ppk)
        for box in self.by_village[v]:
            self.move(w.PPS_PPK, team, box, pps, ppk, left, arrived)
            self.handover(w.PPS_PPK, team, box, arrived + 15 * MINUTE, ppk, f"PPS {v}",
                          f"PPK {ppk.code}")  # fmt: skip

    def recap(self, d: str, i: int) -> None:
        """The district recapitulation opens each box for its forms and seals it again."""
        team, ppk = self.world.team(w.RECAP, d), self.world.districts[d]
        day = self.v + (2 + i % 4) * DAY
        prefix = "PPK-" + d.replace(".", "")
        for n, box in enumerate(self.by_district[d]):
            self.event("ppk.opened", team, box, day + 9 * HOUR + n * MINUTE // 4, ppk)
            self.seals[box] = self.new_seals(prefix)
            resealed = day + 15 * HOUR + self.rng.randrange(120) * MINUTE
            self.event("ppk.sealed", team, box, resealed, ppk, seals=self.seals[box])

    def ppk_to_kpu(self, d: str, i: int) -> None:
        world = self.world
        team, ppk, kpu = world.team(w.PPK_KPU, d), world.districts[d], world.kpu
        left = self.v + 6 * DAY + 6 * HOUR + i * 20 * MINUTE
        arrived = left + drive(ppk, kpu)
        for box in self.by_district[d]:
            self.move(w.PPK_KPU, team, box, ppk, kpu, left, arrived)
            self.handover(w.PPK_KPU, team, box, arrived + 20 * MINUTE, kpu, f"PPK {d}",
                          f"KPU {kpu.code}")  # fmt: skip

    def incidents(self, districts: list[str]) -> None:
        """Reports from about one TPS in thirty on voting day, and rallies at a few recaps."""
        world, r = self.world, self.rng
        for tps in sorted(self.by_tps):
            if r.random() < 1 / 30:
                category, severity, text = r.choice(TPS_INCIDENTS)
                at = self.v + 8 * HOUR + r.randrange(600) * MINUTE
                team = world.team(w.TPS_POST, tps)
                self.out.append(
                    self.make.incident(team.post, at, world.tps[tps], category, severity, text)
                )
        for i, d in enumerate(districts):
            if r.random() < 0.2:
                at = self.v + (2 + i % 4) * DAY + 10 * HOUR
                team = world.team(w.RECAP, d)
                ppk = world.districts[d]
                self.out.append(self.make.incident(team.post, at, ppk, "protest", "medium", RALLY))


# (category, severity, description) of what a TPS post reports on voting day.
TPS_INCIDENTS = (
    ("money_politics", "medium", "Warga melaporkan pembagian uang di dekat TPS pagi hari."),
    ("tps_disturbance", "low", "Antrean pemilih ricuh sebentar, dapat ditenangkan petugas."),
    ("tps_disturbance", "medium", "Saksi paslon memprotes surat suara rusak; KPPS mencatat."),
    ("intimidation", "high", "Anggota KPPS menerima ancaman lewat telepon sebelum penghitungan."),
    ("natural_disaster", "medium", "Hujan deras, tenda TPS roboh; pemungutan dipindah ke balai."),
    ("logistics", "low", "Surat suara kurang 20 lembar; KPPS meminta tambahan ke PPS."),
    ("traffic_accident", "low", "Motor petugas tergelincir di jalan licin menuju TPS."),
)
RALLY = "Massa pendukung paslon berunjuk rasa di depan lokasi rekapitulasi PPK."
