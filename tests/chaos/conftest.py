"""Live Kawal servers that tests kill, restart, back up and restore: their environments, a
server that can be SIGKILLed whole and started again on its port, and the `kawal` command
run against a server's database.

Each server gets a data directory and, in the PostgreSQL half, a database of its own
(tests/e2e/conftest.py server_env_for), loaded with the small operation
(tests/scale/conftest.py load_small).
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import ROOT, _free_port, server_env_for
from tests.scale.conftest import server_env, start

STORED = """
import django, json
django.setup()
from kawal.accounts.models import AuditEntry
from kawal.custody.models import CustodyEvent
print(json.dumps({
    "events": [str(i) for i in CustodyEvent.objects.values_list("id", flat=True)],
    "audit": list(AuditEntry.objects.order_by("position").values_list("action", flat=True)),
}))
"""


def live_env(folder: Path, suffix: str) -> dict:
    """A server's environment: `folder` for its data and, on PostgreSQL, a fresh database
    named after the test database with `suffix`. Plain http on the loopback."""
    database_url = server_env_for(folder, suffix).get("KAWAL_DATABASE_URL", "")
    return {**server_env(database_url, folder), "KAWAL_HTTPS": "0"}


def kawal(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run `kawal ARGS` against the database `env` names; its exit code and output, unchecked."""
    return subprocess.run(
        [sys.executable, "-m", "kawal.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip


def stored(env: dict) -> dict[str, list[str]]:
    """What the database `env` names holds: the id of every custody event row ("events", one
    per row) and the action of every audit entry ("audit", in the log's order)."""
    listed = subprocess.run(
        [sys.executable, "-c", STORED],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(listed.stdout.strip().splitlines()[-1])


class Server:
    """`kawal serve` on one port, killed with SIGKILL (master and workers at once, as a lost
    machine would be) and started again on the same port."""

    def __repr__(self) -> str:
        return f"Server(port={self.port})"

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.port = env, log, _free_port()
        self.process = start(env, self.port, log)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def restart(self) -> None:
        self.process = start(self.env, self.port, self.log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()
