"""A live `kawal serve` for the benchmarks, and the field devices that post to it.

`Serving` starts the production command (gunicorn, 2 gthread workers of 4 threads, the
checkpoint and tally threads beside them) on a spare port of this machine, against the
database the run is configured for. `post_all()` plays many devices at once: one thread and
one keep-alive connection per device, each posting its own bodies in order, and answers the
wall time, every request's latency and what failed. The load generator shares the server's
cores, as it would on a laptop running the demo.
"""

import base64
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8021
EVENTS = "/api/v1/custody/events"


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"kawal serve did not listen on port {port}")


def _ledger_key() -> str:
    """The key this run signs checkpoints with (the data directory's, if none is set), so
    that the server's checkpoints and the benchmarks' own sign alike."""
    from kawal.custody import signing

    return base64.b64encode(signing.private_key().private_bytes_raw()).decode()


class Serving:
    """`with Serving() as port:` runs `kawal serve` for the block, then stops it."""

    def __init__(self, port: int = PORT, workers: int = 2):
        self.port, self.workers = port, workers
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> int:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", self.port)) == 0:
                raise RuntimeError(f"port {self.port} is taken: stop what listens there first")
        env = {
            **os.environ,
            "KAWAL_DEBUG": "",
            "KAWAL_HTTPS": "0",  # plain http on the loopback
            "KAWAL_SECRET_KEY": os.environ.get("KAWAL_SECRET_KEY", "bench-" + "x" * 40),
            "KAWAL_LEDGER_KEY": _ledger_key(),
        }
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "kawal"), "serve",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(self.port)
        _warm_up(self.port, self.workers * 4)
        return self.port

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)


def _warm_up(port: int, threads: int) -> None:
    """A worker imports the URLconf and every view on its first request: not ingest's cost."""

    def get():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(4):
            conn.request("GET", "/login/")
            conn.getresponse().read()
        conn.close()

    pool = [threading.Thread(target=get) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


@dataclass
class Run:
    seconds: float
    latencies: list[float]  # one per request, in seconds
    failures: list[str]

    def p95_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.95 * (len(ordered) - 1))] * 1000


def post_all(port: int, devices: list[tuple[str, list[bytes]]], path: str = EVENTS) -> Run:
    """Every device (its bearer token, its bodies in order) posting at once, each on its own
    connection; a body answered other than 200, or with a rejection, is a failure."""
    latencies: list[float] = []
    failures: list[str] = []
    start = threading.Barrier(len(devices) + 1)

    def device(token: str, bodies: list[bytes]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        mine = []
        start.wait()
        for body in bodies:
            sent = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            answer = response.read()
            mine.append(time.perf_counter() - sent)
            if response.status != 200 or b'"rejected"' in answer:
                failures.append(f"{response.status} {answer[:300].decode(errors='replace')}")
        conn.close()
        latencies.extend(mine)

    pool = [threading.Thread(target=device, args=d) for d in devices]
    for t in pool:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in pool:
        t.join()
    return Run(time.perf_counter() - began, latencies, failures)
