"""The alerts page: a region's alerts by status, when each happened and was raised, and the
actions only for roles that may take them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kawal.custody.models import Alert
from tests.command.conftest import depart_unescorted
from tests.conftest import logged_in

NIGHT = datetime(2024, 11, 27, 21, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def alerts(routes) -> tuple[Alert, Alert]:
    """An open escort alert in Pesanggaran (35.10.01) and a resolved one in Kabat (35.10.18)."""
    depart_unescorted(routes("35.10.01")[0], NIGHT)
    depart_unescorted(routes("35.10.18")[0], NIGHT)
    resolved = Alert.objects.get(box__code__startswith="35.10.18.")
    Alert.objects.filter(pk=resolved.pk).update(status=Alert.Status.RESOLVED)
    return Alert.objects.get(box__code__startswith="35.10.01."), resolved


def test_the_alerts_page_lists_open_alerts_with_when_they_happened_and_were_raised(alerts):
    open_alert, resolved = alerts
    html = logged_in("komandan").get("/alerts/").content.decode()
    assert f'data-alert="{open_alert.pk}"' in html and f'data-alert="{resolved.pk}"' not in html
    assert "terjadi <time data-occurred>27/11 21:00</time>" in html
    assert "berangkat tanpa pengawal Polri" in html
    assert f"/alerts/{open_alert.pk}/acknowledge/" in html


def test_the_status_filter_shows_resolved_alerts(alerts):
    open_alert, resolved = alerts
    html = logged_in("komandan").get("/alerts/?status=resolved").content.decode()
    assert f'data-alert="{resolved.pk}"' in html and f'data-alert="{open_alert.pk}"' not in html


def test_a_sector_user_sees_only_their_district(alerts):
    open_alert, _ = alerts
    client = logged_in("polsek-kabat")
    html = client.get("/alerts/?status=all").content.decode()
    assert f'data-alert="{open_alert.pk}"' not in html
    assert client.get("/alerts/?region=35.10.01").status_code == 403


def test_an_observer_sees_alerts_but_no_action(alerts):
    open_alert, _ = alerts
    html = logged_in("pemantau").get("/alerts/").content.decode()
    assert f'data-alert="{open_alert.pk}"' in html
    assert "/acknowledge/" not in html and 'name="note"' not in html


def test_an_unknown_region_is_not_found(alerts):
    assert logged_in("komandan").get("/alerts/?region=35.10.99").status_code == 404
