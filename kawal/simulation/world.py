"""What a simulation replays: the operation's territory, boxes, stages and plan, as plain data.

Read from the database by simulation/preparation.py; the script (simulation/script.py) builds
every device's records from it without touching the database.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# The teams whose phones record a box's moves, by the leg or place they serve. Each maps a
# region or TPS code to a post of the approved plan (see World.teams).
KPU_PPK = "kpu_ppk"  # a district's escort team from the KPU warehouse, distribution
PPK_PPS = "ppk_pps"  # a village's escort team PPK -> PPS -> TPS, distribution
TPS_POST = "tps"  # the post guarding a TPS on voting day, which escorts its boxes to the PPS
PPS_PPK = "pps_ppk"  # a village's escort team PPS -> PPK, return
RECAP = "recap"  # a district's PPK warehouse watch during the district recapitulation
PPK_KPU = "ppk_kpu"  # a district's escort team PPK -> KPU, regency recapitulation
DUTIES = (KPU_PPK, PPK_PPS, TPS_POST, PPS_PPK, RECAP, PPK_KPU)


@dataclass(frozen=True)
class Place:
    code: str
    lat: float
    lng: float


@dataclass(frozen=True)
class Team:
    """A post of the approved plan: its members (NRP, force), and where it starts."""

    post: str
    region: str  # the district the post belongs to: its phone's region
    members: tuple[tuple[str, str], ...]
    lat: float
    lng: float
    assignment: int | None = None  # the leader's assignment in the plan, named at check-in

    @property
    def escorts(self) -> list[str]:
        """The NRPs a departure lists: the team's Polri and TNI members."""
        return [nrp for nrp, force in self.members if force in ("polri", "tni")]

    @property
    def leader(self) -> str:
        """The member whose phone records the team's work: its first Polri officer."""
        polri = [nrp for nrp, force in self.members if force == "polri"]
        return (polri or [nrp for nrp, _ in self.members] or [""])[0]


@dataclass(frozen=True)
class World:
    """One operation's region as the simulator sees it. Times are aware (UTC)."""

    operation: str  # operation code
    region: str  # the region replayed: the operation's regency or one of its districts
    kpu: Place  # the KPU regency office (its code is the regency's) at the warehouse
    districts: Mapping[str, Place]  # each district's centre stands for its PPK
    villages: Mapping[str, Place]  # each village's centre stands for its PPS
    tps: Mapping[str, Place]
    boxes: tuple[str, ...]  # box codes: TPS code plus contest
    teams: Mapping[str, Team]  # by post code
    duties: Mapping[tuple[str, str], str]  # (duty, region or TPS code) -> post code
    stages: Mapping[str, tuple[datetime, datetime]]  # stage kind -> (starts_at, ends_at)
    legs: Mapping[str, Mapping[str, float]]  # village code -> leg -> hours allowed
    joint_escort: bool = False  # a departure needs a TNI escort besides the Polri one
    require_gps: bool = True  # a departure or arrival without a GPS fix raises an alert

    def team(self, duty: str, code: str) -> Team:
        post = self.duties.get((duty, code))
        if post is None:
            raise ValueError(f"the approved plan has no {duty} team for {code}")
        return self.teams[post]
