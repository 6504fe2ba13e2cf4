"""Custody ingest: events per second through `POST /api/v1/custody/events`, beside the floor.

Figures (on the database the run is configured for; SQLite in var/bench by default):
- ingest over HTTP: the real path, a live gunicorn with 2 workers (sync) and 2 client
  threads on the same machine, posting batches of 500 events with a bearer token:
  auth, parse, lock boxes, read known ids, escorts, places and rules, hash, fold, judge,
  insert, update boxes, insert alerts, audit.
- ingest in process: `ledger.ingest()` called directly, one thread, same batches.
Floor for both: the same event rows (hashes included) and the same box updates written
by the bare database driver (sqlite3 or psycopg `executemany`, one transaction per batch),
measured in the same run. DESIGN.md's aim is about 5,400 events/s over HTTP.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from benchmarks import Figure

BATCH = 500
PORT = 8021
ROOT = Path(__file__).resolve().parent.parent
STEPS = (  # the first legs of every box's journey: (kind, place level, escorted)
    ("departed", "regency", True),
    ("arrived", "district", False),
    ("departed", "district", True),
    ("arrived", "village", False),
)


def _prepare():
    from django.core.management import call_command

    from kawal.demo.load import is_loaded, load_demo

    call_command("migrate", interactive=False, verbosity=0)
    if not is_loaded():
        load_demo()


def _reset() -> None:
    """Empty the ledger of the benchmark's own database and put every box back at KPU: as
    its owner, past the append-only triggers, which go back in place after."""
    from django.db import connection, transaction

    from kawal.custody import append_only

    with transaction.atomic(), connection.cursor() as cursor:
        append_only.drop()
        cursor.execute("DELETE FROM custody_alert")
        cursor.execute("DELETE FROM custody_checkpoint")
        cursor.execute("DELETE FROM custody_custodyevent")
        cursor.execute(
            "UPDATE custody_box SET state = 'at_kpu_warehouse', stop = 'kpu', seals = '[]', "
            "expected_by = NULL, last_occurred_at = NULL, head_seq = 0, head_hash = ''"
        )
        append_only.install()


def _batches(rounds: int) -> list[list[dict]]:
    """Every box's first legs, in the order they happened across the regency."""
    from django.utils import timezone

    from kawal.custody.models import Box
    from kawal.personnel.models import Member
    from kawal.territory.models import Region

    # Phones send their GPS fix: without one, every move would raise a missing_gps alert.
    points = {
        code: (lat, lng) for code, lat, lng in Region.objects.values_list("code", "lat", "lng")
    }
    polri = list(Member.objects.filter(force="polri").values_list("nrp", flat=True)[:200])
    tni = list(Member.objects.filter(force="tni").values_list("nrp", flat=True)[:200])
    boxes = list(Box.objects.values_list("code", flat=True))
    start = timezone.now() - timedelta(days=1)
    events = []
    for r, (kind, level, escorted) in enumerate(STEPS[:rounds]):
        for i, code in enumerate(boxes):
            tps = code.rsplit("-", 1)[0]
            village = tps.split("-")[0]
            place = {"regency": code[:5], "district": code[:8], "village": village}[level]
            events.append(
                {
                    "id": str(uuid.uuid4()),
                    "box": code,
                    "kind": kind,
                    "place": place,
                    "occurred_at": (start + timedelta(hours=2 * r, seconds=i)).isoformat(),
                    "lat": points[place][0],
                    "lng": points[place][1],
                    "escorts": [polri[i % len(polri)], tni[i % len(tni)]] if escorted else [],
                    "seals": [],
                }
            )
    return [events[i : i + BATCH] for i in range(0, len(events), BATCH)]


def _token() -> str:
    from django.contrib.auth import get_user_model

    from kawal.accounts.models import ApiToken

    return ApiToken.issue(get_user_model().objects.get(username="komandan"))[1]


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on port {port}")


def _warm_up() -> None:
    """A worker imports the URLconf and every view on its first request: not ingest's cost."""

    def get():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        for _ in range(4):
            conn.request("GET", "/login/")
            conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=get) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _over_http(batches: list[list[dict]]) -> float:
    """Post the batches from 2 client threads to a 2-worker gunicorn; events per second."""
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", PORT)) == 0:
            raise RuntimeError(f"port {PORT} is taken: stop what listens there first")
    token = _token()
    bodies = [json.dumps(b).encode() for b in batches]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kawal.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env={**os.environ, "KAWAL_DEBUG": ""},
    )
    failures: list[str] = []
    try:
        _wait_for(PORT)
        _warm_up()
        queue = list(enumerate(bodies))
        lock = threading.Lock()

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
            while True:
                with lock:
                    if not queue:
                        break
                    _, body = queue.pop(0)
                conn.request(
                    "POST",
                    "/api/v1/custody/events",
                    body,
                    {
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                response = conn.getresponse()
                answer = response.read()
                if response.status != 200 or b'"rejected"' in answer:
                    failures.append(answer[:300].decode(errors="replace"))
            conn.close()

        threads = [threading.Thread(target=client) for _ in range(2)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failures:
        raise RuntimeError(f"{len(failures)} batches failed, e.g. {failures[0]}")
    return sum(len(b) for b in batches) / elapsed


def _in_process(batches: list[list[dict]]) -> float:
    from django.contrib.auth import get_user_model

    from kawal.custody import ledger

    komandan = get_user_model().objects.get(username="komandan")
    started = time.perf_counter()
    for batch in batches:
        ledger.ingest(komandan, batch)
    return sum(len(b) for b in batches) / (time.perf_counter() - started)


def _stored_rows():
    """The events and box heads the real path wrote, as plain tuples, in append order."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM custody_custodyevent ORDER BY received_at, box_id, seq")
        columns = [c[0] for c in cursor.description]
        events = cursor.fetchall()
        cursor.execute(
            "SELECT state, stop, seals, expected_by, last_occurred_at, head_seq, head_hash, id "
            "FROM custody_box WHERE head_seq > 0"
        )
        boxes = cursor.fetchall()
    return columns, events, boxes


def _bare_driver(columns, events, boxes) -> float:
    """The same rows through the bare driver: executemany per batch, one commit per batch."""
    from django.conf import settings
    from django.db import connection

    connection.close()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        import sqlite3

        conn = sqlite3.connect(database["NAME"], isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        mark, begin = "?", "BEGIN IMMEDIATE"
    else:
        import psycopg

        conn = psycopg.connect(
            host=database["HOST"],
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"] or None,
            dbname=database["NAME"],
            autocommit=True,
        )
        mark, begin = "%s", "BEGIN"
    insert = (
        f"INSERT INTO custody_custodyevent ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    update = (
        f"UPDATE custody_box SET state = {mark}, stop = {mark}, seals = {mark}, "
        f"expected_by = {mark}, last_occurred_at = {mark}, head_seq = {mark}, "
        f"head_hash = {mark} WHERE id = {mark}"
    )
    per_batch = max(1, len(boxes) * BATCH // max(1, len(events)))
    started = time.perf_counter()
    for n, i in enumerate(range(0, len(events), BATCH)):
        cursor = conn.cursor()
        cursor.execute(begin)
        cursor.executemany(insert, events[i : i + BATCH])
        cursor.executemany(update, boxes[n * per_batch : (n + 1) * per_batch])
        cursor.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(events) / elapsed


def run() -> list[Figure]:
    from django.db import connection

    _prepare()
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    _reset()
    batches = _batches(len(STEPS))
    events = sum(len(b) for b in batches)
    http_rate = _over_http(batches)
    columns, rows, heads = _stored_rows()
    _reset()
    process_rate = _in_process(_batches(len(STEPS)))
    _reset()
    floor = _bare_driver(columns, rows, heads)
    _reset()
    note = f"{engine}; {events:,} events in batches of {BATCH} over 5,464 boxes"
    return [
        Figure(
            f"custody ingest over HTTP on {engine} (gunicorn, 2 workers, 2 clients)",
            http_rate,
            "events/s",
            floor,
            "the same rows and box updates by the bare driver (executemany)",
            aim="~5,400 events/s",
            note=note,
        ),
        Figure(
            f"custody ingest in process on {engine} (ledger.ingest, 1 thread)",
            process_rate,
            "events/s",
            floor,
            "the same rows and box updates by the bare driver (executemany)",
            note=note,
        ),
    ]
