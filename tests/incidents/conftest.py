"""Incident fixtures: reports as a device sends them, stored through the real intake."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kawal.incidents import intake
from kawal.incidents.models import Incident
from kawal.territory.models import TPS
from tests.conftest import user

WIB = ZoneInfo("Asia/Jakarta")
VOTING_DAY = datetime(2024, 11, 27, 10, 40, tzinfo=WIB)


def item(place: str, **fields) -> dict:
    """One report as the field app sends it (POST /api/v1/incidents)."""
    return {
        "id": str(uuid.uuid4()),
        "category": "tps_disturbance",
        "severity": "high",
        "occurred_at": VOTING_DAY.isoformat(),
        "place": place,
        "description": "Keributan antar pendukung di depan TPS",
        **fields,
    }


def reported(username: str, place: str, **fields) -> Incident:
    """Report one incident as `username` and return it as stored."""
    sent = item(place, **fields)
    results = intake.report(user(username), [sent])
    assert results[0]["status"] == "accepted", results
    return Incident.objects.get(pk=sent["id"])


@pytest.fixture
def tps_in(demo):
    """tps_in(district): the first TPS of a district."""

    def _tps(district: str) -> TPS:
        return TPS.objects.filter(code__startswith=district + ".").order_by("code").first()

    return _tps
