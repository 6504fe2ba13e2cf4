"""A streaming replica (KAWAL_REPLICA_URL): the wall's reads go there, every write to the primary.

The test makes its own primary and hot-standby pair with PostgreSQL's own binaries on spare
ports, loads the small operation on the primary, and serves Kawal with both URLs. Replay on the
replica is then paused: an event posted lands on the primary, and the status API, which reads
the replica, still shows the box where it was until replay resumes.
"""

import base64
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import ON_POSTGRES
from tests.e2e.conftest import ROOT, _free_port

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.live,
    pytest.mark.skipif(not ON_POSTGRES, reason="a streaming replica is PostgreSQL's"),
    pytest.mark.skipif(not BINARIES, reason="PostgreSQL's server binaries (initdb) are missing"),
]

LOAD = """
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from kawal.accounts.models import ApiToken
from django.contrib.auth import get_user_model
from tests.factories import COMMANDER, small_operation
from tests.custody.conftest import home_route, journey
small = small_operation()
_, token = ApiToken.issue(get_user_model().objects.get(username=COMMANDER))
route = home_route(small)
print(json.dumps({"token": token, "regency": route.regency, "departure": journey(route)[0]}))
"""


def _as_postgres(*command: str) -> list[str]:
    """initdb and the server refuse to run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _pg(tool: str, *args: str) -> None:
    subprocess.run(_as_postgres(f"{BINARIES[-1]}/{tool}", *args), check=True, capture_output=True)


def _sql(port: int, query: str) -> str:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", autocommit=True) as conn:
        return str(conn.execute(query).fetchone()[0])


def _start(data: Path, port: int) -> None:
    _pg(
        "pg_ctl", "-D", str(data), "-l", str(data.parent / f"{data.name}.log"), "-w", "start",
        "-o", f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1 -c fsync=off",
    )  # fmt: skip


@pytest.fixture(scope="module")
def pair():
    """(primary port, replica port, the directory that holds both)."""
    folder = Path(tempfile.mkdtemp(prefix="kawal-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary, replica = _free_port(), _free_port()
    _pg("initdb", "-D", str(folder / "primary"), "-A", "trust", "-U", "postgres")
    _start(folder / "primary", primary)
    try:
        _pg(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary), "-U", "postgres",
            "-D", str(folder / "replica"), "-R", "-X", "stream",
        )  # fmt: skip
        _start(folder / "replica", replica)
        yield primary, replica, folder
    finally:
        for data in ("replica", "primary"):
            if (folder / data / "postmaster.pid").exists():
                _pg("pg_ctl", "-D", str(folder / data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def served(pair):
    """Kawal served on the pair: (base URL, loaded world, primary port, replica port)."""
    primary, replica, folder = pair
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kawal.settings",
        "KAWAL_DATA_DIR": str(folder / "kawal"),
        "KAWAL_DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary}/postgres",
        "KAWAL_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica}/postgres",
        "KAWAL_SECRET_KEY": "replica-test-secret-" + "x" * 40,
            }
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    world = json.loads(loaded.stdout.strip().splitlines()[-1])
    # `kawal serve` wants the key that signs checkpoints from the environment.
    env["KAWAL_LEDGER_KEY"] = base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()
    port = _free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "kawal.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(url + "/api/v1/openapi.json", timeout=2).close()
            break
        except (URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "server.log").read_text()) from None
            time.sleep(0.3)
    yield url, world, primary, replica
    server.terminate()
    server.wait(timeout=20)


def _call(url: str, world: dict, body: list | None = None) -> dict:
    headers = {"Authorization": f"Bearer {world['token']}", "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    with urlopen(Request(url, data=data, headers=headers), timeout=10) as answer:
        return json.load(answer)


def _status(url: str, world: dict) -> dict:
    status = _call(f"{url}/api/v1/status?{urlencode({'region': world['regency']})}", world)
    return status["region"]["totals"]["boxes_by_state"]


def test_the_status_api_reads_the_replica_and_an_event_is_written_to_the_primary(served):
    url, world, primary, replica = served
    before = _status(url, world)
    _sql(replica, "SELECT pg_wal_replay_pause()")

    answer = _call(f"{url}/api/v1/custody/events", world, [world["departure"]])
    assert answer["results"][0]["status"] == "accepted", answer
    count = "SELECT count(*) FROM custody_custodyevent"
    assert (_sql(primary, count), _sql(replica, count)) == ("1", "0")
    assert _status(url, world) == before  # the paused replica doesn't have it yet

    _sql(replica, "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 30
    while _status(url, world) == before:
        assert time.monotonic() < deadline, "the replica never caught up"
        time.sleep(0.5)
    assert _sql(replica, count) == "1"
