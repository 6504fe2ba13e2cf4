"""The situation report: the regency's sitrep as an A4 PDF on the demo (SQLite).

Figure: `reporting.make("35.10", "pdf")` for voting day after a whole night of custody (every
demo box somewhere along its chain, as bench_overview records it), a deployment plan and 200
incidents: the ledger checkpoint, every figure, the HTML and WeasyPrint's PDF. Floor: the
figures alone (`sitrep.figures`), which any report must read. The issue's aim is under 10 s.
"""

import statistics
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from benchmarks import Figure

WIB = ZoneInfo("Asia/Jakarta")
RUNS = 3
DAY = date(2024, 11, 27)
CATEGORIES = ("tps_disturbance", "traffic_accident", "protest", "money_politics", "logistics")
SEVERITIES = ("low", "medium", "high", "critical")


def _incidents(user) -> None:
    from kawal.incidents import intake
    from kawal.territory.models import TPS

    places = list(TPS.objects.order_by("code").values_list("code", flat=True)[::14][:200])
    start = datetime(2024, 11, 27, 6, tzinfo=WIB)
    batch = [
        {
            "id": str(uuid.uuid4()), "category": CATEGORIES[i % 5], "severity": SEVERITIES[i % 4],
            "occurred_at": (start + timedelta(minutes=4 * i)).isoformat(), "place": code,
            "description": f"kejadian {i}", "actions_taken": "ditangani Polsek",
        }
        for i, code in enumerate(places)
    ]  # fmt: skip
    for i in range(0, len(batch), 100):
        intake.report(user, batch[i : i + 100], now=datetime(2024, 11, 28, tzinfo=WIB))


def _prepare():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from benchmarks.bench_overview import _demo_night
    from kawal.custody.models import CustodyEvent
    from kawal.demo.load import is_loaded, load_demo
    from kawal.incidents.models import Incident
    from kawal.operations.models import Operation
    from kawal.planning import service

    call_command("migrate", interactive=False, verbosity=0)
    if not is_loaded():
        load_demo()
    if not CustodyEvent.objects.exists():
        _demo_night()
    user = get_user_model().objects.get(username="komandan")
    operation = Operation.objects.get(code="mantap-praja-semeru-2024")
    if service.current_plan(operation) is None:
        service.make_plan(operation, user=user)
    if not Incident.objects.exists():
        _incidents(user)
    return user, operation


def _ms(fn) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append(1000 * (time.perf_counter() - start))
    return statistics.median(samples)


def run() -> list[Figure]:
    from django.utils import translation

    from kawal.incidents import reporting, sitrep
    from kawal.territory.models import Region

    user, operation = _prepare()
    late = datetime(2024, 11, 28, 1, tzinfo=WIB)
    regency = Region.objects.get(code="35.10")
    with translation.override("id"):
        made = _ms(lambda: reporting.make("35.10", "pdf", day=DAY, acting_user=user, now=late))
        window = sitrep.window_for(operation, day=DAY, now=late)
        floor = _ms(lambda: sitrep.figures(regency, window, now=late))
    return [
        Figure(
            "regency sitrep PDF (Banyuwangi, voting day)", made, "ms", floor,
            "the report's figures read, not printed", aim="< 10,000 ms",
            note=f"median of {RUNS}; checkpoint, figures, HTML, WeasyPrint A4",
        )
    ]  # fmt: skip
