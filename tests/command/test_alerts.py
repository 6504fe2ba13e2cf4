"""Acknowledging and resolving alerts in place, from the command center's feed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kawal.accounts.models import AuditEntry
from kawal.custody import ledger
from kawal.custody.models import Alert
from tests.command.conftest import depart_unescorted
from tests.conftest import logged_in, user
from tests.custody.conftest import event, home_route
from tests.factories import HOME

NIGHT = datetime(2024, 11, 27, 21, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def alert(route) -> Alert:
    depart_unescorted(route, NIGHT, by="commander")
    return Alert.objects.get(box__code=route.box, rule="escort")


def test_acknowledging_with_a_note_changes_the_status_and_is_audited(alert):
    client = logged_in("commander")
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "Kapolsek informed"})
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and "Kapolsek informed" in alert.note
    assert alert.handled_by.username == "commander"
    assert AuditEntry.objects.filter(action="alert.acknowledged", target_id=str(alert.pk)).exists()
    row = response.content.decode()
    assert f'data-alert="{alert.pk}" data-status="acknowledged"' in row
    assert "/resolve/" in row and "/acknowledge/" not in row


def test_resolving_takes_an_acknowledged_alert_off_the_feed(alert):
    client = logged_in("polsek-barat")
    client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "on it"})
    client.post(f"/alerts/{alert.pk}/resolve/", {"note": "escort joined at the PPK"})
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert f'data-alert="{alert.pk}"' not in client.get(f"/region/{HOME}/").content.decode()


def test_a_note_is_required_and_its_absence_is_named(alert):
    response = logged_in("commander").post(f"/alerts/{alert.pk}/acknowledge/", {"note": "  "})
    assert response.status_code == 422
    assert "note is required" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_an_observer_or_another_district_cannot_handle_the_alert(alert):
    assert logged_in("observer").post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": "x"}
    ).status_code == 403
    assert logged_in("polsek-timur").post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": "x"}
    ).status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"


def test_the_feed_puts_critical_alerts_before_newer_warnings(route, small):
    second = home_route(small, 1)
    depart_unescorted(route, NIGHT, by="commander")
    # An arrival with no departure before it: a skipped-leg warning, raised after the critical.
    ledger.ingest(user("commander"), [event(second, "arrived", NIGHT, second.village)])
    page = logged_in("commander").get(f"/region/{HOME}/").content.decode()
    feed = page[page.index('id="alerts"'):]
    severities = [s.split(" ")[0] for s in feed.split('class="alert sev-')[1:]]
    assert {"critical", "warning"} <= set(severities)
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
