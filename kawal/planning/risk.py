"""The suggested risk category of a TPS, from its indicators and nearby incidents.

Pure rules over plain data. Bawaslu's index weighs conflict indicators above
infrastructure ones; the weights and thresholds below follow that order and are
defaults (DOMAIN.md gives no national formula). Khusus is a kind of site (prison,
pesantren, remote), not a score: only an override sets it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from kawal.territory.distance import km

KURANG_RAWAN, RAWAN, SANGAT_RAWAN, KHUSUS = "kurang_rawan", "rawan", "sangat_rawan", "khusus"
ORDER = (KURANG_RAWAN, RAWAN, SANGAT_RAWAN, KHUSUS)

INDICATOR_WEIGHTS = {
    "violence_history": 3,
    "intimidation": 3,
    "sara_incitement": 3,
    "money_politics": 2,
    "no_internet": 1,
    "no_electricity": 1,
    "hard_to_reach": 1,
    "disaster_prone": 1,
    "logistics": 1,
}
INCIDENT_WEIGHTS = {"low": 1, "medium": 2, "high": 4, "critical": 6}
RAWAN_SCORE = 3
SANGAT_RAWAN_SCORE = 6
# An incident this close to a TPS counts against it, even if it was filed against no TPS.
NEAR_KM = 1.0


@dataclass(frozen=True)
class IncidentPoint:
    tps_id: int | None
    lat: float | None
    lng: float | None
    severity: str


def score(indicators: Iterable[str], incident_severities: Iterable[str] = ()) -> int:
    unknown = set(indicators) - INDICATOR_WEIGHTS.keys()
    if unknown:
        raise ValueError(f"unknown risk indicator: {', '.join(sorted(unknown))}")
    return sum(INDICATOR_WEIGHTS[i] for i in set(indicators)) + sum(
        INCIDENT_WEIGHTS[s] for s in incident_severities
    )


def suggested_category(indicators: Iterable[str], incident_severities: Iterable[str] = ()) -> str:
    total = score(indicators, incident_severities)
    if total >= SANGAT_RAWAN_SCORE:
        return SANGAT_RAWAN
    if total >= RAWAN_SCORE:
        return RAWAN
    return KURANG_RAWAN


def incidents_near(
    tps_id: int, lat: float, lng: float, incidents: Iterable[IncidentPoint]
) -> list[str]:
    """Severities of the incidents filed at this TPS or located within NEAR_KM of it."""
    return [
        i.severity
        for i in incidents
        if i.tps_id == tps_id
        or (i.lat is not None and i.lng is not None and km(lat, lng, i.lat, i.lng) <= NEAR_KM)
    ]

