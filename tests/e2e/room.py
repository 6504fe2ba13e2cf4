"""What the room's browser tests need on the live server, made once per test session.

A deployment plan (`kawal plan`), and a box in Genteng (35.10.09, polsek-genteng's district)
with alerts: a departure without a Polri escort and an arrival at the village that skipped
the PPK; the first acknowledged with a note. Made through the real API, read back by URL.
"""

import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.conftest import ROOT
from tests.e2e.test_command_center import Api

WIB = ZoneInfo("Asia/Jakarta")
DISTRICT = "35.10.09"


@dataclass(frozen=True)
class Room:
    api: Api
    tps: str  # the TPS of the box with alerts
    box: str
    village: str


_made: dict[str, Room] = {}


def kawal(server_env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "kawal.cli", *args], env=server_env, cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


def room(server: str, server_env: dict) -> Room:
    """The plan and the alerted box, made on the first call for this server only."""
    if server in _made:
        return _made[server]
    kawal(server_env, "plan")
    api = Api(server, kawal(server_env, "token", "create", "komandan").strip().splitlines()[-1])
    tps = api.first_tps(DISTRICT, 50)[-1]  # past the TPS other browser tests write to
    box = f"{tps}-BUP"
    village, regency = tps.split("-")[0], tps[:5]
    start = datetime(2024, 11, 23, 8, tzinfo=WIB)

    def event(kind: str, at: datetime, place: str) -> dict:
        return {"id": str(uuid.uuid4()), "box": box, "kind": kind,
                "occurred_at": at.isoformat(), "place": place}  # fmt: skip

    api.post_events([
        event("departed", start, regency),
        event("arrived", start + timedelta(hours=3), village),
    ])  # fmt: skip
    alerts = api.call("GET", f"/api/v1/alerts?box={box}&status=open")
    escort = next(a for a in alerts if a["rule"] == "escort")
    api.call(
        "POST", f"/api/v1/alerts/{escort['id']}/acknowledge", {"note": "Kapolsek mengirim pengawal"}
    )
    _made[server] = Room(api, tps, box, village)
    return _made[server]
