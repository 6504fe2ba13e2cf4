"""The per-district tallies the large overviews read: kept by triggers, equal to the rows."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from kawal.command import tallies
from kawal.command.models import BoxTally
from kawal.command.status import national_region, region_status
from kawal.custody import alerts
from kawal.custody.models import Alert
from kawal.territory.models import TPS, Region
from tests.command.conftest import TO_AT_PPK, TO_DELIVERED, TO_SEALED, depart_unescorted, move
from tests.conftest import user

NIGHT = datetime(2024, 11, 27, 21, tzinfo=ZoneInfo("Asia/Jakarta"))


def _figures(area):
    """(tps, voters, boxes by state, milestones, open and critical alerts) per child."""
    return {
        c.code: (c.totals.tps, c.totals.voters, c.totals.boxes_by_state, c.totals.reached,
                 c.totals.open_alerts, c.totals.critical_alerts)
        for c in region_status(area, with_personnel=False).children
    }


def _direct(code: str):
    """The same figures for one district, counted from its rows (no tallies below a regency)."""
    figures = region_status(Region.objects.get(code=code), with_personnel=False).region.totals
    return (figures.tps, figures.voters, figures.boxes_by_state, figures.reached,
            figures.open_alerts, figures.critical_alerts)


def _night(routes):
    for r in routes("35.10.02", 4):
        move(r, TO_SEALED)
    for r in routes("35.10.03", 3):
        move(r, TO_AT_PPK)
    move(routes("35.10.16")[0], TO_DELIVERED)
    for r in routes("35.10.09", 2):
        depart_unescorted(r, NIGHT)


def test_the_regency_read_from_tallies_equals_each_district_counted_row_by_row(routes):
    _night(routes)
    alert = Alert.objects.filter(box__code__startswith="35.10.09.").first()
    alerts.handle(user("komandan"), alert.pk, "acknowledged", "seen")
    regency = _figures(Region.objects.get(code="35.10"))
    for code in ("35.10.02", "35.10.03", "35.10.09", "35.10.16", "35.10.20"):
        assert regency[code] == _direct(code)
    assert regency["35.10.09"][4] == 1  # one of two alerts is still open


def test_tallies_follow_tps_added_and_removed(demo):
    village = Region.objects.get(code="35.10.07.2001")
    before = _figures(Region.objects.get(code="35.10"))["35.10.07"]
    added = TPS.objects.create(code=f"{village.code}-700", village=village, number=700, voters=250,
                               address="x", lat=village.lat, lng=village.lng)
    after = _figures(Region.objects.get(code="35.10"))["35.10.07"]
    assert after[:2] == (before[0] + 1, before[1] + 250)
    added.delete()
    assert _figures(Region.objects.get(code="35.10"))["35.10.07"][:2] == before[:2]


def test_compacting_and_rebuilding_change_no_figure(routes):
    _night(routes)
    area = Region.objects.get(code="35.10")
    incremental = _figures(area)
    rows = BoxTally.objects.count()
    for table in tallies.TABLES:
        tallies.compact(table)
    assert BoxTally.objects.count() < rows
    assert _figures(area) == incremental
    tallies.rebuild()
    assert _figures(area) == incremental


def test_the_national_overview_has_the_top_regions_as_children(demo):
    status = region_status(national_region(), with_personnel=False)
    assert [c.code for c in status.children] == ["35.10"]  # the demo ships no province row
    assert status.region.totals.tps == 2_732 and status.region.totals.boxes == 5_464


def test_stray_deltas_are_repaired_by_the_check_every_migrate_runs(routes):
    from django.db import connection

    _night(routes)
    area = Region.objects.get(code="35.10")
    before = _figures(area)
    with connection.cursor() as cursor:  # the deltas a careless bulk delete could leave behind
        cursor.execute("INSERT INTO command_boxtally (area, depth, state, stop, boxes) "
                       "VALUES ('35.10.02', 8, 'sealed', 'tps', -50)")
    tallies.install()  # what every migrate and flush runs
    assert _figures(area) == before


def test_reading_the_overview_never_folds_the_tallies(routes, monkeypatch):
    monkeypatch.setattr(tallies, "COMPACT_AFTER", 0)
    monkeypatch.setattr(tallies, "_folded_at", {})
    _night(routes)
    rows = BoxTally.objects.count()
    _figures(Region.objects.get(code="35.10"))
    assert BoxTally.objects.count() == rows


def test_the_compact_tallies_command_folds_grown_tallies_and_changes_no_figure(
    routes, monkeypatch
):
    monkeypatch.setattr(tallies, "COMPACT_AFTER", 0)
    monkeypatch.setattr(tallies, "_folded_at", {})
    _night(routes)
    area = Region.objects.get(code="35.10")
    incremental = _figures(area)
    rows = BoxTally.objects.count()
    out = StringIO()
    call_command("compact_tallies", stdout=out)
    assert "command_boxtally" in out.getvalue()
    assert BoxTally.objects.count() < rows
    assert _figures(area) == incremental
