"""A streaming replica (KAWAL_REPLICA_URL): the wall's reads go there, every write to the primary.

The test makes its own primary and hot-standby pair with PostgreSQL's own binaries on spare
ports, loads the small operation on the primary, and serves Kawal with both URLs. Replay on the
replica is then paused: an event posted lands on the primary, and the status API, which reads
the replica, still shows the box where it was until replay resumes.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import ON_POSTGRES
from tests.e2e.conftest import _free_port
from tests.scale.conftest import call, load_small, serve, server_env

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.live,
    pytest.mark.skipif(not ON_POSTGRES, reason="a streaming replica is PostgreSQL's"),
    pytest.mark.skipif(not BINARIES, reason="PostgreSQL's server binaries (initdb) are missing"),
]


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
    env = server_env(f"postgres://postgres@127.0.0.1:{primary}/postgres", folder / "kawal")
    env["KAWAL_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{replica}/postgres"
    world = load_small(env)
    for url in serve(env, folder / "server.log"):
        yield url, world, primary, replica


def _status(url: str, world: dict) -> dict:
    status = call(f"{url}/api/v1/status?{urlencode({'region': world['regency']})}", world["token"])
    return status["region"]["totals"]["boxes_by_state"]


def test_the_status_api_reads_the_replica_and_an_event_is_written_to_the_primary(served):
    url, world, primary, replica = served
    before = _status(url, world)
    _sql(replica, "SELECT pg_wal_replay_pause()")

    departure = world["journeys"][0][0]
    answer = call(f"{url}/api/v1/custody/events", world["token"], [departure])
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
