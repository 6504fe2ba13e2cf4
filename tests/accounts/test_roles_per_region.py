"""Each permission is the role held over that region: a sector user in Barat who observes
the regency sees personnel and handles alerts in Barat only, and an observer never reads
who handled an alert, who was re-planned or why, or who approved the plan."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from kawal.accounts.models import Role, RoleGrant
from kawal.custody import alert_text, alerts
from kawal.custody.models import Alert, Box
from kawal.personnel.models import Member
from kawal.planning import service
from tests.conftest import bearer, logged_in, user
from tests.factories import HOME, OTHER, REGENCY

TWO_ROLES = "sector-and-observer"


@pytest.fixture
def two_roles(small):
    """Sector over Barat, observer over the regency."""
    made = get_user_model().objects.create(username=TWO_ROLES)
    RoleGrant.objects.bulk_create([
        RoleGrant(user=made, role=Role.SECTOR, region_id=HOME),
        RoleGrant(user=made, role=Role.OBSERVER, region_id=REGENCY),
    ])  # fmt: skip
    return made


def _handled_alert(small, district: str) -> Alert:
    """An escort alert naming an NRP, acknowledged by the commander with a note."""
    box = Box.objects.filter(code__startswith=district + ".").order_by("code").first()
    nrp = Member.objects.filter(region_id=district).order_by("nrp").first().nrp
    alert = Alert.objects.create(
        box=box, regency=REGENCY, rule=Alert.Rule.ESCORT_NOT_IN_PLAN,
        severity=Alert.Severity.WARNING, params={"nrp": nrp, "box": box.code},
        raised_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    return alerts.handle(user("commander"), alert.pk, Alert.Status.ACKNOWLEDGED, "sudah dicek")


def test_two_roles_get_the_personnel_of_their_district_only_when_asking_for_the_regency(
    two_roles,
):
    members = Client().get(f"/api/v1/personnel?region={REGENCY}", **bearer(TWO_ROLES)).json()
    assert members and all(m["region"].startswith(HOME) for m in members)
    assert Client().get(f"/api/v1/personnel?region={OTHER}", **bearer(TWO_ROLES)).json() == []


def test_two_roles_see_personnel_figures_in_their_district_and_none_in_the_other(two_roles):
    client = logged_in(TWO_ROLES)
    assert 'data-total="polri"' in client.get(f"/region/{HOME}/").content.decode()
    other = client.get(f"/region/{OTHER}/")
    assert other.status_code == 200 and 'data-total="polri"' not in other.content.decode()
    # The regency as a whole is not theirs to see personnel in.
    assert 'data-total="polri"' not in client.get(f"/region/{REGENCY}/").content.decode()
    body = Client().get(f"/api/v1/status?region={OTHER}", **bearer(TWO_ROLES)).json()
    assert "personnel" not in body["region"]["totals"]


def test_two_roles_handle_alerts_in_their_district_and_not_in_the_other(small, two_roles):
    home, other = _handled_alert(small, HOME), _handled_alert(small, OTHER)
    alerts.handle(two_roles, home.pk, Alert.Status.RESOLVED, "aman")
    with pytest.raises(Http404):
        alerts.handle(two_roles, other.pk, Alert.Status.RESOLVED, "aman")
    page = logged_in(TWO_ROLES).get(f"/alerts/?region={OTHER}").content.decode()
    assert f'data-alert="{other.pk}"' in page and "formaction" not in page


def test_two_roles_are_offered_to_handle_only_their_districts_alerts_on_the_regencys_list(
    small, two_roles
):
    home, other = _handled_alert(small, HOME), _handled_alert(small, OTHER)
    page = logged_in(TWO_ROLES).get(f"/alerts/?region={REGENCY}").content.decode()
    offered = {int(n) for n in re.findall(r"/alerts/(\d+)/resolve/", page)}
    assert offered == {home.pk}
    assert f'data-alert="{other.pk}"' in page


def test_an_observer_reads_an_alert_without_the_nrp_and_without_who_handled_it(small):
    alert = _handled_alert(small, HOME)
    nrp = alert.params["nrp"]
    for path in (f"/alerts/?region={REGENCY}", f"/tps/{alert.box.tps.code}/",
                 f"/boxes/{alert.box.code}/", f"/region/{HOME}/"):  # fmt: skip
        page = logged_in("observer").get(path).content.decode()
        assert f'data-alert="{alert.pk}"' in page, path
        assert "commander" not in page and nrp not in page, path
        assert "sudah dicek" in page, path
    shown = Client().get(f"/api/v1/alerts?box={alert.box.code}", **bearer("observer")).json()
    assert shown[0]["note"].endswith("acknowledged] sudah dicek")
    assert "commander" not in shown[0]["note"] and nrp not in str(shown[0])


def test_a_sector_user_reads_who_handled_an_alert_in_their_district(small):
    alert = _handled_alert(small, HOME)
    page = logged_in("polsek-barat").get(f"/alerts/?region={HOME}").content.decode()
    assert "commander" in page and alert.params["nrp"] in page


def test_a_note_without_its_handlers_keeps_when_and_how_and_what_was_said():
    note = "[2024-11-27 21:05 polsek-barat, acknowledged] dicek di lokasi\nbaris lain"
    anonymous = alert_text.without_handlers(note)
    assert anonymous == "[2024-11-27 21:05, acknowledged] dicek di lokasi\nbaris lain"
    lines = alert_text.note_lines(anonymous)
    assert "polsek-barat" not in lines[0] and lines[0].endswith("] dicek di lokasi")
    assert "27 Nov 21:05" in lines[0] or "27 Nov 21.05" in lines[0]
    assert "polsek-barat" in alert_text.note_lines(note)[0]


@pytest.fixture
def replanned(small):
    """An approved plan from which a Barat member went out sick."""
    commander = user("commander")
    plan = service.approve(service.make_plan(small.operation, user=commander), user=commander)
    held = plan.assignments.filter(post__district_id=HOME, force="polri").first()
    service.mark_absent(small.operation, held.member, "sick", user=user("polsek-barat"))
    return held.member


def test_the_plan_page_shows_an_observer_the_changes_without_names_or_reasons(replanned):
    page = logged_in("observer").get(f"/plan/{HOME}/").content.decode()
    assert 'id="changes"' in page
    assert replanned.nrp not in page and replanned.name not in page
    assert "sakit" not in page.lower() and "commander" not in page


def test_the_plan_page_shows_a_sector_user_who_went_out_and_why(replanned):
    page = logged_in("polsek-barat").get(f"/plan/{HOME}/").content.decode()
    assert 'id="changes"' in page and f"{replanned.nrp}): " in page


def test_two_roles_cannot_open_a_member_page_or_a_deployment_list_outside_their_district(
    two_roles, replanned
):
    other = Member.objects.filter(region_id=OTHER).first()
    client = logged_in(TWO_ROLES)
    assert client.get(f"/plan/member/{replanned.nrp}/").status_code == 200
    assert client.get(f"/plan/member/{other.nrp}/").status_code == 403
    assert client.get(f"/plan/{HOME}/daftar.xlsx").status_code == 200
    assert client.get(f"/plan/{OTHER}/daftar.xlsx").status_code == 403
    assert client.get(f"/plan/{REGENCY}/daftar.xlsx").status_code == 403


def test_require_personnel_asks_about_the_region_given(two_roles):
    from kawal.accounts.scope import require_personnel

    assert require_personnel(two_roles, HOME)
    with pytest.raises(PermissionDenied):
        require_personnel(two_roles, OTHER)
    with pytest.raises(PermissionDenied):
        require_personnel(user("observer"))
