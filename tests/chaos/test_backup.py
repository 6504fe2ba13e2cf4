"""Backup and restore: a lost server brought back from `kawal backup`.

A thread posts the officer's box journeys, then notes on the boxes, to a live `kawal serve`
without a pause. Meanwhile two checkpoints are signed and `kawal backup` snapshots the
database. The backup is restored into an empty database of its own: every chain verifies,
its latest checkpoint is the last one signed before the backup (or a later one), the
restored log holds that checkpoint unchanged (`kawal verify --against`), and the live log
holds the restored copy's latest checkpoint too. A second restore over the now non-empty
copy is refused unless forced.
"""

import re
import threading
import time
import uuid
from itertools import chain, cycle

import pytest

from tests.chaos.conftest import Server, kawal, live_env, stored
from tests.scale.conftest import call, load_small

pytestmark = pytest.mark.live

BATCH = 3


class Load(threading.Thread):
    """Posts `events`, then a note on one of their boxes after another, until stopped."""

    def __init__(self, url: str, token: str, events: list[dict]):
        super().__init__(daemon=True)
        self.url, self.token, self.events = url, token, events
        self.accepted = 0
        self.errors: list[str] = []
        self.stop = threading.Event()

    def _notes(self):
        for last in cycle(self.events[-1:] + self.events[:-1]):
            yield {
                **{k: last[k] for k in ("box", "occurred_at", "place")},
                "id": str(uuid.uuid4()), "kind": "note", "note": "ronda malam",
                "escorts": [], "seals": [],
            }  # fmt: skip

    def run(self) -> None:
        stream = chain(self.events, self._notes())
        while not self.stop.is_set():
            batch = [next(stream) for _ in range(BATCH)]
            try:
                results = call(f"{self.url}/api/v1/custody/events", self.token, batch)["results"]
            except OSError as exc:
                self.errors.append(str(exc))
                return
            self.accepted += sum(r["status"] == "accepted" for r in results)
            self.errors += [r["error"] for r in results if r["status"] == "rejected"]

    def wait_for(self, accepted: int) -> None:
        deadline = time.monotonic() + 60
        while self.accepted < accepted and not self.errors:
            assert time.monotonic() < deadline, f"only {self.accepted} events were accepted"
            time.sleep(0.05)


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _digest(output: str) -> str:
    return re.search(r"^digest: (\S+)$", output, re.MULTILINE).group(1)


def _size(digest: str) -> int:
    return int(digest.split(":")[0])


def test_a_backup_taken_under_load_restores_to_a_ledger_that_matches_its_checkpoint(tmp_path):
    env = live_env(tmp_path / "live", "_backup")
    world = load_small(env)
    server = Server(env, tmp_path / "server.log")
    load = Load(f"http://127.0.0.1:{server.port}", world["token"], [
        e for journey in world["journeys"] for e in journey
    ])  # fmt: skip
    load.start()
    try:
        load.wait_for(30)
        _ok(kawal(env, "checkpoint"))
        load.wait_for(90)
        signed = _digest(_ok(kawal(env, "checkpoint")))
        _ok(kawal(env, "backup", str(tmp_path / "kawal.backup")))
    finally:
        load.stop.set()
        load.join(timeout=30)
        server.stop()
    assert load.errors == []

    restored = {**env, **live_env(tmp_path / "restored", "_backup_restored")}
    restored["KAWAL_LEDGER_KEY"] = env["KAWAL_LEDGER_KEY"]
    _ok(kawal(restored, "restore", str(tmp_path / "kawal.backup")))
    assert "every chain verifies" in _ok(kawal(restored, "verify"))
    latest = _digest(_ok(kawal(restored, "checkpoint", "--latest")))
    assert latest == signed or _size(latest) > _size(signed)
    assert "CONSISTENT" in _ok(kawal(restored, "verify", "--against", signed))
    assert "CONSISTENT" in _ok(kawal(env, "verify", "--against", latest))
    copy, live = stored(restored), stored(env)
    assert set(copy["events"]) <= set(live["events"])
    assert "database.backup" in live["audit"]
    assert copy["audit"][-1] == "database.restore"

    refused = kawal(restored, "restore", str(tmp_path / "kawal.backup"))
    assert refused.returncode != 0 and "--force" in refused.stderr
    _ok(kawal(restored, "restore", "--force", str(tmp_path / "kawal.backup")))
    assert sorted(stored(restored)["events"]) == sorted(copy["events"])
