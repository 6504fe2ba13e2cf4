"""The situation report after a short scripted election night: every figure against the database,
the printed PDF (saved under var/), the checkpoint it carries, `kawal sitrep` and the pages."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from kawal.custody import alerts, ledger, verification
from kawal.custody.models import Alert, Box, Checkpoint, CustodyEvent
from kawal.incidents import handling, intake, reporting, sitrep
from kawal.incidents.models import Incident
from kawal.personnel.models import Member
from kawal.planning import service
from kawal.planning.models import Assignment, Post
from kawal.territory.models import Region
from tests.conftest import logged_in, user
from tests.custody.conftest import WIB, event, journey, route_of
from tests.incidents.conftest import item

ROOT = Path(__file__).resolve().parents[2]
VOTING_DAY = date(2024, 11, 27)
NIGHT = datetime(2024, 11, 27, 21, tzinfo=WIB)
LATE = datetime(2024, 11, 28, 1, tzinfo=WIB)  # when the report is made
TO_DEPARTED, TO_DELIVERED, TO_SEALED, TO_AT_KPU = 1, 7, 9, 15
# Box states written out here, not imported, so the test counts the boxes its own way.
IN_TRANSIT = ("in_transit", "returning")
NOT_SEALED = ("at_kpu_warehouse", "in_transit", "at_ppk", "at_pps", "at_tps", "open")


@dataclass
class Night:
    plan: object
    escalated: Incident


def _routes(district: str, skip: int, n: int):
    polri = Member.objects.filter(force="polri").values_list("nrp", flat=True).first()
    tni = Member.objects.filter(force="tni").values_list("nrp", flat=True).first()
    boxes = Box.objects.select_related("tps__village").filter(code__startswith=district + ".")
    return [route_of(b, polri, tni) for b in boxes.order_by("code")[skip : skip + n]]


def _move(district: str, skip: int, n: int, steps: int) -> None:
    for r in _routes(district, skip, n):
        results = ledger.ingest(user("komandan"), journey(r)[:steps], now=NIGHT)
        assert {x["status"] for x in results} == {"accepted"}, results


def _unescorted(district: str, skip: int) -> Alert:
    r = _routes(district, skip, 1)[0]
    lat, lng = r.village_point  # with a GPS fix: the escort alert is the only one
    ledger.ingest(user("komandan"), [event(r, "departed", NIGHT, r.regency, lat=lat, lng=lng)],
                  now=NIGHT)  # fmt: skip
    return Alert.objects.get(box__code=r.box, severity="critical")


def _report(place: str, hour: int, day: int = 27, **fields) -> Incident:
    at = datetime(2024, 11, day, hour, tzinfo=WIB)
    sent = item(place, occurred_at=at.isoformat(), **fields)
    results = intake.report(user("komandan"), [sent], now=at + timedelta(minutes=5))
    assert results[0]["status"] == "accepted", results
    return Incident.objects.get(pk=sent["id"])


@pytest.fixture
def night(demo) -> Night:
    """Voting day in Banyuwangi town (35.10.16), Pesanggaran (35.10.01) and Muncar (35.10.05)."""
    plan = service.make_plan(demo, user=user("komandan"))
    _move("35.10.16", 0, 3, TO_SEALED)
    _move("35.10.16", 3, 2, TO_AT_KPU)
    _move("35.10.16", 5, 1, TO_DEPARTED)  # left on the 23rd, long overdue
    _move("35.10.01", 0, 2, TO_SEALED)
    _move("35.10.05", 0, 1, TO_DELIVERED)
    alerts.handle(user("komandan"), _unescorted("35.10.16", 6).pk, "acknowledged", "dicek")
    _unescorted("35.10.01", 2)
    komandan = user("komandan")
    fight = _report("35.10.16.1001-001", 11, severity="high", actions_taken="dilerai")
    for action in ("handle", "close"):
        handling.do_move(fight.pk, action, f"{action}: aman", acting_user=komandan, now=NIGHT)
    _report("35.10.16", 15, category="traffic_accident", severity="medium", dead=1, injured=2)
    escalated = _report(
        "35.10.01.2001-001", 19, category="money_politics", severity="critical",
        description="Pembagian amplop kepada pemilih",
    )  # fmt: skip
    _report("35.10.01", 9, category="natural_disaster", severity="low")
    _report("35.10.05", 20, category="protest", severity="high")
    _report("35.10.16", 22, day=26, category="crime", severity="high")  # the day before
    return Night(plan, escalated)


def _window() -> sitrep.Window:
    demo = Region.objects.get(code="35.10").operations.get()
    return sitrep.window_for(demo, day=VOTING_DAY, now=LATE)


def _expected_custody(code: str) -> dict:
    boxes = Box.objects.filter(code__startswith=code + ".")
    events = CustodyEvent.objects.filter(box__code__startswith=code + ".")
    at_tps = [e for e in events.filter(kind="arrived").select_related("box__tps") if e.place == e.box.tps.code]  # fmt: skip
    return {
        "boxes": boxes.count(),
        "delivered": len({e.box_id for e in at_tps}),
        "opened": events.filter(kind="opened").values("box").distinct().count(),
        "sealed": events.filter(kind="sealed").values("box").distinct().count(),
        "at_kpu": boxes.filter(state="at_kpu").count(),
        "overdue": boxes.filter(state__in=IN_TRANSIT, expected_by__lt=LATE).count(),
        "not_sealed": boxes.filter(state__in=NOT_SEALED).count(),
    }


def _expected_alerts(code: str) -> dict:
    window = Alert.objects.filter(
        box__code__startswith=code + ".",
        raised_at__gte=datetime(2024, 11, 27, tzinfo=WIB),
        raised_at__lt=datetime(2024, 11, 28, tzinfo=WIB),
    )
    by_status = dict(window.values_list("status").annotate(n=Count("id")))
    return {
        "by_status": {s: by_status.get(s, 0) for s in ("open", "acknowledged", "resolved", "lapsed")},
        "open_now": Alert.objects.filter(box__code__startswith=code + ".", status="open").count(),
        "critical": sorted(window.filter(severity="critical").values_list("id", flat=True)),
    }


def _expected_incidents(code: str) -> dict:
    found = Incident.objects.filter(
        region__code__startswith=code,
        occurred_at__gte=datetime(2024, 11, 27, tzinfo=WIB),
        occurred_at__lt=datetime(2024, 11, 28, tzinfo=WIB),
    )
    sums = found.aggregate(dead=Sum("dead"), injured=Sum("injured"))
    return {
        "by_category": dict(found.values_list("category").annotate(n=Count("id"))),
        "dead": sums["dead"] or 0,
        "injured": sums["injured"] or 0,
        "notable": sorted(
            str(i)
            for i in found.filter(severity__in=("high", "critical")).values_list("id", flat=True)
        ),
    }


def _expected_strength(code: str, plan) -> dict:
    posts = Post.objects.filter(plan=plan, stage="voting", district__code__startswith=code)
    required = posts.aggregate(polri=Sum("polri"), tni=Sum("tni"), linmas=Sum("linmas"))
    assigned = dict(
        Assignment.objects.filter(post__in=posts).values_list("force").annotate(n=Count("id"))
    )
    return {f: (required[f] or 0, assigned.get(f, 0)) for f in ("polri", "tni", "linmas")}


@pytest.mark.parametrize("code", ["35.10", "35.10.16", "35.10.01"])
def test_every_sitrep_figure_equals_the_database(night, code):
    report = sitrep.figures(Region.objects.get(code=code), _window(), now=LATE)
    row = report.total
    custody = _expected_custody(code)
    assert (row.boxes, row.overdue, row.not_sealed) == (
        custody["boxes"], custody["overdue"], custody["not_sealed"],
    )  # fmt: skip
    for milestone in ("delivered", "opened", "sealed", "at_kpu"):
        assert row.reached[milestone] == custody[milestone], milestone
    expected = _expected_alerts(code)
    assert row.alerts == expected["by_status"] and row.open_alerts == expected["open_now"]
    assert sorted(a.pk for a in report.critical_alerts) == expected["critical"]
    incidents = _expected_incidents(code)
    assert {c: n for c, n in row.incidents.items() if n} == incidents["by_category"]
    assert (row.dead, row.injured) == (incidents["dead"], incidents["injured"])
    assert sorted(str(i.pk) for i, _ in report.notable_incidents) == incidents["notable"]
    strength = _expected_strength(code, night.plan)
    assert {f: (s.required, s.assigned) for f, s in row.strength.items()} == strength
    assert report.window.stage.kind == "voting"


def test_each_districts_row_of_the_regency_report_equals_its_own_report(night):
    regency = sitrep.figures(Region.objects.get(code="35.10"), _window(), now=LATE)
    assert len(regency.districts) == 25
    for code in ("35.10.16", "35.10.01", "35.10.05"):
        row = next(d for d in regency.districts if d.code == code)
        own = sitrep.figures(Region.objects.get(code=code), _window(), now=LATE).total
        assert (row.boxes, row.reached, row.alerts, row.incidents, row.dead) == (
            own.boxes, own.reached, own.alerts, own.incidents, own.dead,
        )  # fmt: skip
        assert {f: (s.required, s.assigned) for f, s in row.strength.items()} == {
            f: (s.required, s.assigned) for f, s in own.strength.items()
        }
    shaded = {s.code: s.trouble for s in regency.map if s.trouble}
    assert shaded == {"35.10.16": 0 + 2, "35.10.01": 1 + 2, "35.10.05": 0 + 1}


def test_the_demo_sitrep_pdf_is_printed_with_its_ledger_checkpoint(night):
    made = reporting.make("35.10", "pdf", day=VOTING_DAY, acting_user=user("komandan"), now=LATE)
    assert made.content.startswith(b"%PDF") and made.filename.endswith(".pdf")
    out = ROOT / "var" / "sitrep"
    out.mkdir(parents=True, exist_ok=True)
    (out / "sitrep-35.10-demo.pdf").write_bytes(made.content)
    checkpoint = Checkpoint.objects.get(root=made.digest.split(":")[1])
    assert not CustodyEvent.objects.filter(position__gte=checkpoint.size).exists()
    assert verification.against(made.digest).ok
    page = reporting.make("35.10", "html", day=VOTING_DAY, now=LATE).content.decode()
    assert "KAPOLRESTA BANYUWANGI" in page and "<svg" in page
    assert "Pembagian amplop kepada pemilih" in page and "27/11/2024 00:00" in page


def test_the_printed_page_carries_the_classification_time_and_page_numbers(night):
    printed = reporting.make("35.10.01", "html", stage="voting", now=LATE).content.decode()
    assert "@top-left" in printed and "counter(pages)" in printed
    assert "01:00 WIB" in printed  # printed at LATE, in WIB
    assert "data-digest>" in printed


def test_the_window_is_a_day_in_wib_a_stage_or_today_so_far(demo):
    day = sitrep.window_for(demo, day=VOTING_DAY, now=LATE)
    assert (day.starts_at, day.ends_at) == (NIGHT.replace(hour=0), LATE.replace(hour=0))
    stage = sitrep.window_for(demo, stage="recap_ppk", now=LATE)
    assert stage.stage.kind == "recap_ppk" and stage.ends_at == datetime(2024, 12, 4, tzinfo=WIB)
    today = sitrep.window_for(demo, now=LATE)
    assert (today.starts_at, today.ends_at) == (LATE.replace(hour=0), LATE)
    with pytest.raises(ValueError, match="'harvest' is not a stage"):
        sitrep.window_for(demo, stage="harvest", now=LATE)


def test_kawal_sitrep_writes_the_report_to_a_file(demo, tmp_path, capsys):
    out = tmp_path / "pesanggaran.html"
    call_command("sitrep", "--region", "35.10.01", "--stage", "voting", "--format", "html",
                 "--out", str(out))  # fmt: skip
    assert "LAPORAN SITUASI" in out.read_text() and "Pesanggaran" in out.read_text()
    assert capsys.readouterr().out.splitlines()[-1].startswith("checkpoint ")


def test_the_page_downloads_the_report_for_a_region_in_scope_only(demo):
    sector = logged_in("polsek-pesanggaran")
    assert sector.get("/sitrep/35.10.01/").status_code == 200
    response = sector.post("/sitrep/35.10.01/", {"stage": "voting", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="sitrep-35.10.01-')
    assert sector.post("/sitrep/35.10/", {"format": "pdf"}).status_code == 403
    assert logged_in("pemantau").get("/sitrep/35.10/").status_code == 403


def test_the_rakor_view_shows_the_figures_and_the_next_stages_shortfall(night):
    page = logged_in("komandan").get("/rakor/35.10/live/").content.decode()
    for panel in ("strength", "custody", "overdue", "alerts", "incidents", "readiness"):
        assert f'data-panel="{panel}"' in page
    assert logged_in("polsek-pesanggaran").get("/rakor/35.10/").status_code == 403
