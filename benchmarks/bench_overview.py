"""The command center's overview: server time on the demo (SQLite) and nationally (PostgreSQL).

Figures (each the whole request through Django's test client: middleware, scope, queries,
template; no network):
- the Banyuwangi overview (/region/35.10/, 2,732 TPS) on SQLite, with boxes spread along
  the whole chain; floor: the bare SQL of the box aggregate the page would otherwise run,
  through the sqlite3 driver.
- the national overview (/national/, 38 provinces, 435,296 TPS, 870,592 boxes, about
  7.9 million custody events) and one province's overview on PostgreSQL; floor: the bare
  SQL of the same tally aggregate through psycopg. The note gives what the same figures
  cost counted from the rows themselves, which is what the per-district tallies avoid.

The national dataset is generated once into its own database (benchmarks/national.py) and
reused while its counts match. Set KAWAL_BENCH_POSTGRES to a server URL other than
postgres://postgres@127.0.0.1:5432; without a reachable server the national figures are
left out and a line says so.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks import Figure, ensure_postgres_database

ROOT = Path(__file__).resolve().parent.parent
RUNS = 40
WARMUP = 3
SERVER = os.environ.get("KAWAL_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "kawal_bench_national"
WIB = ZoneInfo("Asia/Jakarta")
# Journey lengths (events) for the demo's boxes, cycled: at TPS, sealed, at PPS, at PPK, at KPU.
DEMO_STEPS = (7, 9, 9, 11, 13, 15, 1)
WALK = (
    ("departed", 5), ("arrived", 8), ("departed", 8), ("arrived", 13), ("departed", 13),
    ("arrived", 17), ("opened", 17), ("sealed", 17), ("departed", 17), ("arrived", 13),
    ("departed", 13), ("arrived", 8), ("departed", 8), ("arrived", 5),
)


def _ms(fn, runs: int = RUNS) -> list[float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(1000 * (time.perf_counter() - start))
    return samples


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _page(client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def _points() -> dict[str, tuple[float, float]]:
    """Every region's and TPS's point: the GPS fix a phone sends with a record made there
    (without one, each move would raise a missing_gps alert)."""
    from kawal.territory.models import TPS, Region

    points = {c: (lat, lng) for c, lat, lng in Region.objects.values_list("code", "lat", "lng")}
    points.update((c, (lat, lng)) for c, lat, lng in TPS.objects.values_list("code", "lat", "lng"))
    return points


def _journey(
    box: str, steps: int, start: datetime, polri: str, points: dict[str, tuple[float, float]]
) -> list[dict]:
    events = []
    for i, (kind, length) in enumerate(WALK[: min(steps, len(WALK))]):
        place = box[:length] if length < 17 else box[:17]
        events.append({
            "id": str(uuid.uuid4()), "box": box, "kind": kind,
            "occurred_at": (start + timedelta(hours=3 * i)).isoformat(),
            "place": place, "lat": points[place][0], "lng": points[place][1],
            "escorts": [polri] if kind == "departed" else [],
            "seals": [f"S-{box}"] if kind == "sealed" or (kind == "arrived" and i > 8) else [],
        })
    return events


def _demo_night() -> None:
    """Every demo box somewhere along its chain, recorded through the ledger in batches."""
    from django.contrib.auth import get_user_model

    from kawal.custody import ledger
    from kawal.custody.models import Box
    from kawal.personnel.models import Member

    user = get_user_model().objects.get(username="komandan")
    polri = Member.objects.filter(force="polri").values_list("nrp", flat=True).first()
    start = datetime(2024, 11, 23, 6, tzinfo=WIB)
    points = _points()
    batch: list[dict] = []
    for i, code in enumerate(Box.objects.order_by("code").values_list("code", flat=True)):
        batch += _journey(code, DEMO_STEPS[i % len(DEMO_STEPS)], start + timedelta(minutes=i % 300),
                          polri, points)
        if len(batch) >= 900:
            ledger.ingest(user, batch)
            batch = []
    if batch:
        ledger.ingest(user, batch)


def _demo() -> list[Figure]:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from kawal.custody.models import CustodyEvent
    from kawal.demo.load import is_loaded, load_demo

    call_command("migrate", interactive=False, verbosity=0)
    if not is_loaded():
        load_demo()
    if not CustodyEvent.objects.exists():
        _demo_night()
    events = CustodyEvent.objects.count()
    client = Client(HTTP_HOST="127.0.0.1")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="komandan"))
    page = _ms(_page(client, "/region/35.10/"))
    connection.ensure_connection()
    raw = connection.connection  # the sqlite3 driver's own connection

    def bare():
        raw.execute(
            "SELECT substr(code, 1, 8), state, stop, count(*) FROM custody_box "
            "WHERE code LIKE '35.10.%' GROUP BY 1, 2, 3"
        ).fetchall()

    floor = _ms(bare)
    note = f"SQLite; 2,732 TPS, 5,464 boxes, {events:,} events; {RUNS} requests"
    return [
        Figure("overview Banyuwangi p50 (SQLite)", statistics.median(page), "ms",
               statistics.median(floor), "bare SQL box aggregate, sqlite3 driver", note=note),
        Figure("overview Banyuwangi p95 (SQLite)", _p95(page), "ms", _p95(floor),
               "bare SQL box aggregate, sqlite3 driver", note=note),
    ]


TRIGGER_BATCH = 300


def _trigger_cost() -> list[Figure]:
    """What the tally triggers add to the ledger's ingest, measured inside a rolled-back
    transaction: the same five batches on two sets of boxes, with and without triggers."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from kawal.command import tallies
    from kawal.custody import ledger
    from kawal.custody.models import Box

    user = get_user_model().objects.get(username="komandan")
    with transaction.atomic():
        codes = list(
            Box.objects.filter(state="in_transit", stop="kpu").order_by("code")
            .values_list("code", flat=True)[: 2 * TRIGGER_BATCH]
        )
        if len(codes) < 2 * TRIGGER_BATCH:
            print("   trigger cost left out: too few boxes under way from the KPU")
            return []
        at = datetime(2024, 11, 24, 6, tzinfo=WIB)

        points = _points()

        def batch(boxes: list[str], i: int) -> float:
            kind, length = WALK[1 + i]  # arrive at the PPK, leave, arrive at the PPS, ...
            events = [
                {"id": str(uuid.uuid4()), "box": b, "kind": kind, "place": b[:length],
                 "lat": points[b[:length]][0], "lng": points[b[:length]][1],
                 "occurred_at": (at + timedelta(hours=i)).isoformat(), "escorts": [], "seals": []}
                for b in boxes
            ]
            start = time.perf_counter()
            ledger.ingest(user, events)
            return 1000 * (time.perf_counter() - start)

        def run(statements: list[str]) -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

        with_triggers, without = [], []
        for i in range(5):  # interleaved, so neither side gets the warmer caches
            with_triggers.append(batch(codes[:TRIGGER_BATCH], i))
            run(tallies.drop_statements())
            without.append(batch(codes[TRIGGER_BATCH:], i))
            run(tallies.trigger_statements())
        transaction.set_rollback(True)
    return [
        Figure(f"ingest a {TRIGGER_BATCH}-event batch, tally triggers on (SQLite)",
               statistics.median(with_triggers), "ms", statistics.median(without),
               "the same batches with the tally triggers dropped",
               note="every event moves its box: 4 tally rows each; median of 5 batches"),
    ]


def _national() -> list[Figure]:
    return in_national_database("benchmarks.bench_overview", "national overview")


def in_national_database(module: str, what: str) -> list[Figure]:
    """Run `python -m MODULE national` against the national database on PostgreSQL, in a
    process of its own, and read the figures it prints; none when no PostgreSQL answers."""
    import psycopg

    try:
        ensure_postgres_database(f"{SERVER}/{DATABASE}")
    except psycopg.OperationalError as exc:
        print(f"   {what} left out: no PostgreSQL at {SERVER} ({exc})")
        return []
    env = {**os.environ, "KAWAL_DATABASE_URL": f"{SERVER}/{DATABASE}",
           "KAWAL_DATA_DIR": str(ROOT / "var" / "bench-national")}
    done = subprocess.run(
        [sys.executable, "-m", module, "national"],
        check=False, env=env, cwd=ROOT, capture_output=True, text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the {what} benchmark failed:\n{done.stderr[-3000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("FIGURES "))
    return [Figure(**f) for f in json.loads(line[len("FIGURES "):])]


def _national_setup():
    """In the subprocess on PostgreSQL: schema, data, a national user and one operation per province."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from benchmarks import national
    from kawal.accounts.models import Role, RoleGrant
    from kawal.demo.operation import STAGES
    from kawal.demo.operation import WIB as OP_WIB
    from kawal.operations.models import Operation, Stage
    from kawal.territory.models import Region

    call_command("migrate", interactive=False, verbosity=0)
    if not national.is_loaded():
        call_command("flush", interactive=False, verbosity=0)
        user, _ = get_user_model().objects.get_or_create(username="bench-national")
        print("generating the national dataset (a few minutes, once)…", file=sys.stderr)
        with transaction.atomic():
            national.generate(user.pk)
    user, _ = get_user_model().objects.get_or_create(username="bench-national")
    provinces = list(Region.objects.filter(parent__isnull=True).values_list("code", flat=True))
    for code in provinces:
        RoleGrant.objects.get_or_create(user=user, role=Role.COMMAND, region_id=code)
        operation, created = Operation.objects.get_or_create(
            code=f"pilkada-2024-{code}",
            defaults={"name": f"Pilkada 2024 {code}", "region_id": code,
                      "starts_at": datetime(2024, 8, 19, tzinfo=OP_WIB),
                      "ends_at": datetime(2024, 12, 31, tzinfo=OP_WIB)},
        )
        if created:
            Stage.objects.bulk_create(
                Stage(operation=operation, kind=kind, order=i, starts_at=s, ends_at=e, note=note)
                for i, (kind, s, e, note) in enumerate(STAGES, start=1)
            )
    # As after any bulk load: let the planner see clean tables (autovacuum would, later).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE command_tpstally, command_boxtally, command_eventtally, "
                       "command_alerttally, custody_box, custody_alert")
    return user


def _national_figures() -> list[dict]:
    from django.db import connection
    from django.test import Client

    user = _national_setup()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    national_page = _ms(_page(client, "/national/"))
    province_page = _ms(_page(client, "/region/35/"))
    connection.ensure_connection()
    raw = connection.connection  # psycopg's own connection

    def bare(sql: str):
        def run():
            with raw.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        return run

    tally_floor = _ms(bare(
        "SELECT substr(area, 1, 2), state, stop, sum(boxes) FROM command_boxtally "
        "WHERE depth = 5 GROUP BY 1, 2, 3"
    ))
    rows = _ms(bare(
        "SELECT substr(code, 1, 2), state, stop, count(*) FROM custody_box GROUP BY 1, 2, 3"
    ), runs=5)
    with raw.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM territory_tps), (SELECT count(*) FROM custody_box), "
                       "(SELECT count(*) FROM custody_custodyevent)")
        tps, boxes, events = cursor.fetchone()
    note = (f"PostgreSQL; {tps:,} TPS, {boxes:,} boxes, {events:,} events; {RUNS} requests; "
            f"the same box aggregate counted from the rows: {statistics.median(rows):,.0f} ms")
    floor_label = "bare SQL tally aggregate, psycopg"
    figures = [
        Figure("overview national p50 (PostgreSQL)", statistics.median(national_page), "ms",
               statistics.median(tally_floor), floor_label, note=note),
        Figure("overview national p95 (PostgreSQL)", _p95(national_page), "ms",
               _p95(tally_floor), floor_label, aim="< 200 ms", note=note),
        Figure("overview one province p50 (PostgreSQL)", statistics.median(province_page), "ms",
               statistics.median(tally_floor), floor_label, note="one of 38 provinces: about 11,455 TPS"),
        Figure("overview one province p95 (PostgreSQL)", _p95(province_page), "ms",
               _p95(tally_floor), floor_label, note="one of 38 provinces: about 11,455 TPS"),
    ]
    return [vars(f) for f in figures]


def run() -> list[Figure]:
    return _demo() + _trigger_cost() + _national()


if __name__ == "__main__" and sys.argv[1:] == ["national"]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawal.settings")
    import django

    django.setup()
    print("FIGURES " + json.dumps(_national_figures()))
