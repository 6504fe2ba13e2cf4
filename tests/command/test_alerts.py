"""Acknowledging and resolving alerts in place, from the command center's feed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kawal.accounts.models import AuditEntry
from kawal.custody import ledger
from kawal.custody.models import Alert
from tests.command.conftest import depart_unescorted
from tests.conftest import logged_in, user
from tests.custody.conftest import event

NIGHT = datetime(2024, 11, 27, 21, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def alert(routes) -> Alert:
    depart_unescorted(routes("35.10.01")[0], NIGHT)
    return Alert.objects.get(box__code__startswith="35.10.01.", rule="escort")


def test_acknowledging_with_a_note_changes_the_status_and_is_audited(alert):
    client = logged_in("komandan")
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "Kapolsek informed"})
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and "Kapolsek informed" in alert.note
    assert alert.handled_by.username == "komandan"
    assert AuditEntry.objects.filter(action="alert.acknowledged", target_id=str(alert.pk)).exists()
    row = response.content.decode()
    assert f'data-alert="{alert.pk}" data-status="acknowledged"' in row
    assert "/resolve/" in row and "/acknowledge/" not in row


def test_resolving_takes_an_acknowledged_alert_off_the_feed(alert):
    client = logged_in("polsek-pesanggaran")
    client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "on it"})
    client.post(f"/alerts/{alert.pk}/resolve/", {"note": "escort joined at the PPK"})
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert f'data-alert="{alert.pk}"' not in client.get("/region/35.10.01/").content.decode()


def test_a_note_is_required_and_its_absence_is_named(alert):
    response = logged_in("komandan").post(f"/alerts/{alert.pk}/acknowledge/", {"note": "  "})
    assert response.status_code == 422
    assert "note is required" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_an_observer_or_another_district_cannot_handle_the_alert(alert):
    assert logged_in("pemantau").post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": "x"}
    ).status_code == 403
    assert logged_in("polsek-bangorejo").post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": "x"}
    ).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"


def test_the_feed_puts_critical_alerts_before_newer_warnings(routes):
    first, second = routes("35.10.01", 2)
    depart_unescorted(first, NIGHT)
    # An arrival with no departure before it: a skipped-leg warning, raised after the critical.
    ledger.ingest(user("komandan"), [event(second, "arrived", NIGHT, second.village)])
    page = logged_in("komandan").get("/region/35.10.01/").content.decode()
    feed = page[page.index('id="alerts"'):]
    severities = [s.split(" ")[0] for s in feed.split('class="alert sev-')[1:]]
    assert {"critical", "warning"} <= set(severities)
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
