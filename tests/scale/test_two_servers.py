"""Two `kawal serve` processes on one PostgreSQL, sprayed with events for the same boxes.

Phones don't pick a server: behind a load balancer, one device's retry may reach the other
server while its first send is still being written. The test shuffles the whole journeys of the
officer's boxes into small batches, sends them from a pool of threads to alternating servers,
and sends some batches again to the other server at once. Every id must be accepted exactly
once and answered "duplicate" otherwise, every chain must stay linear (seq 1..n, no gaps) and
verify, and the database must hold each event once.
"""

import random
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from itertools import chain

import pytest

from tests.conftest import ON_POSTGRES
from tests.e2e.conftest import ROOT, server_env_for
from tests.scale.conftest import call, load_small, serve, server_env

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.live,
    pytest.mark.skipif(not ON_POSTGRES, reason="two servers share a PostgreSQL"),
]

BATCH = 5


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    """(env, world, [url, url]): both servers on one fresh database, with one ledger key."""
    folder = tmp_path_factory.mktemp("kawal-two-servers")
    database_url = server_env_for(folder, "_two_servers")["KAWAL_DATABASE_URL"]
    env = server_env(database_url, folder)
    world = load_small(env)
    first, second = serve(env, folder / "first.log"), serve(env, folder / "second.log")
    urls = [next(first), next(second)]
    yield env, world, urls
    for server in (first, second):
        server.close()


def _sql(env: dict, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(env["KAWAL_DATABASE_URL"].replace("postgres://", "postgresql://")) as c:
        return c.execute(query).fetchall()


def _sends(events: list[dict], seed: int) -> list[tuple[int, list[dict]]]:
    """(server index, batch): shuffled batches to alternating servers; a third of them are
    sent to the other server too, as a retry after a lost answer would be."""
    rng = random.Random(seed)
    shuffled = rng.sample(events, len(events))
    batches = [shuffled[i : i + BATCH] for i in range(0, len(shuffled), BATCH)]
    sends = [(n % 2, batch) for n, batch in enumerate(batches)]
    sends += [(1 - server, batch) for server, batch in sends if rng.random() < 1 / 3]
    rng.shuffle(sends)
    return sends


def test_two_servers_store_every_event_once_and_keep_every_chain_linear(two_servers):
    env, world, urls = two_servers
    events = list(chain.from_iterable(world["journeys"]))

    def send(job: tuple[int, list[dict]]) -> list[dict]:
        server, batch = job
        return call(f"{urls[server]}/api/v1/custody/events", world["token"], batch)["results"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(chain.from_iterable(pool.map(send, _sends(events, seed=12))))

    accepted = Counter(a["id"] for a in answers if a["status"] == "accepted")
    others = Counter(a["status"] for a in answers if a["status"] != "accepted")
    assert set(accepted) == {e["id"] for e in events}, "an event was never accepted"
    assert max(accepted.values()) == 1, "an event was accepted twice"
    assert set(others) <= {"duplicate"}, [a for a in answers if a["status"] == "rejected"][:3]

    stored = _sql(env, "SELECT count(*), count(DISTINCT id) FROM custody_custodyevent")
    assert stored == [(len(events), len(events))]
    chains = _sql(
        env,
        "SELECT b.code, b.head_seq, count(e.id), min(e.seq), max(e.seq)"
        " FROM custody_box b JOIN custody_custodyevent e ON e.box_id = b.id"
        " GROUP BY b.code, b.head_seq",
    )
    assert len(chains) == len(world["journeys"])
    for code, head, count, first, last in chains:
        assert (first, last, head) == (1, count, count), f"box {code}'s chain is not linear"

    verify = subprocess.run(
        [sys.executable, "-m", "kawal.cli", "verify"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr
