"""Personnel on post against plan: check-ins feed the coverage read model, the command
overview's personnel panel and the status API; a post with no check-in counts as planned."""

from datetime import timedelta

from django.utils import timezone

from kawal.planning import coverage
from kawal.territory.models import Region
from tests.conftest import logged_in
from tests.field.conftest import DISTRICT, checkin

CHECKINS = "/api/v1/checkins"
FAR = 0.0045  # degrees of latitude: about 500 m


def _polri(plan) -> coverage.Figures:
    return coverage.staffing(plan, Region.objects.get(code=DISTRICT)).total().forces["polri"]


def test_without_check_ins_the_members_on_post_are_those_the_plan_assigns(duty):
    figures = _polri(duty.plan)
    assert figures.assigned == 3 and figures.on_post == 3


def test_a_post_with_check_ins_counts_the_members_who_checked_in_near_it(phone, enrol, duty):
    now = timezone.now()
    phone.post(CHECKINS, [checkin(duty.tps_post.lat, duty.tps_post.lng, now)])
    partner = enrol(duty.partner)
    partner.post(CHECKINS, [checkin(duty.tps_post.lat + FAR, duty.tps_post.lng, now)])
    # The TPS post: 1 of its 2 members near it; the escort team, no check-in: 1 as planned.
    assert _polri(duty.plan).on_post == 2
    later = now + timedelta(minutes=5)
    partner.post(CHECKINS, [checkin(duty.tps_post.lat, duty.tps_post.lng, later)])
    assert _polri(duty.plan).on_post == 3


def test_the_status_api_gives_members_on_post_per_force_to_command_only(phone, duty):
    phone.post(CHECKINS, [checkin(duty.tps_post.lat + FAR, duty.tps_post.lng)])
    body = logged_in("komandan").get("/api/v1/status", {"region": "35.10"}).json()
    district = next(c for c in body["children"] if c["code"] == DISTRICT)
    assert district["totals"]["on_post"] == {"polri": 1, "tni": 0, "linmas": 0}
    assert body["region"]["totals"]["on_post"]["polri"] == 1
    observed = logged_in("pemantau").get("/api/v1/status", {"region": "35.10"}).json()
    assert "on_post" not in observed["region"]["totals"]


def test_the_overview_personnel_panel_shows_on_post_against_assigned_and_required(phone, duty):
    phone.post(CHECKINS, [checkin(duty.tps_post.lat, duty.tps_post.lng)])
    html = logged_in("komandan").get("/region/35.10/").content.decode()
    row = html[html.index(f'data-personnel="{DISTRICT}"'):]
    assert 'data-on-post="2"' in row[: row.index("</tr>")]


def test_the_plan_api_reports_on_post_beside_assigned(phone, duty):
    body = logged_in("komandan").get("/api/v1/plan", {"region": DISTRICT}).json()
    assert body["region"]["forces"]["polri"]["on_post"] == 3
