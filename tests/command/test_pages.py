"""Search, the TPS page and the wall screen."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kawal.command.board import next_in_rotation
from kawal.personnel.models import Member
from tests.command.conftest import TO_SEALED, depart_unescorted, move
from tests.conftest import logged_in
from tests.custody.conftest import Route, home_route, route_of
from tests.factories import HOME, OTHER, REGENCY, Small

NIGHT = datetime(2024, 11, 27, 21, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_pasted_qr_text_with_a_box_code_opens_the_box_timeline(small):
    qr = "KAWAL|KOTAK 35.09.01.2001-001-BUP|TPS 001 BARAT SATU|BARAT"
    response = logged_in("commander").get("/search/", {"q": qr})
    assert response.status_code == 302 and response.url == "/boxes/35.09.01.2001-001-BUP/"


def test_a_tps_code_opens_the_tps_page_and_a_region_code_its_region(small):
    client = logged_in("commander")
    assert client.get("/search/", {"q": " 35.09.01.2001-003 "}).url == "/tps/35.09.01.2001-003/"
    assert client.get("/search/", {"q": OTHER}).url == f"/region/{OTHER}/"


def test_a_village_name_finds_the_village(small):
    response = logged_in("commander").get("/search/", {"q": "barat satu"})
    assert response.status_code == 302 and response.url == "/region/35.09.01.2001/"


def test_a_sector_user_finds_nothing_outside_their_district(small):
    client = logged_in("polsek-barat")
    response = client.get("/search/", {"q": "35.09.02.2001-001-BUP"})
    assert response.status_code == 200  # no redirect to a box outside their scope
    assert "data-result=" not in response.content.decode()


def test_command_finds_a_member_by_nrp_or_name_but_an_observer_never_does(small):
    member = Member.objects.filter(force="polri", region_id=HOME).first()
    by_nrp = logged_in("commander").get("/search/", {"q": member.nrp}).content.decode()
    assert f'data-member="{member.nrp}"' in by_nrp
    by_name = logged_in("commander").get("/search/", {"q": member.name}).content.decode()
    assert f'data-member="{member.nrp}"' in by_name
    observer = logged_in("observer").get("/search/", {"q": member.name}).content.decode()
    assert "data-member=" not in observer and member.nrp not in observer


def test_the_tps_page_shows_its_boxes_events_and_alerts(route: Route):
    move(route, TO_SEALED, by="commander")
    page = logged_in("commander").get(f"/tps/{route.tps}/").content.decode()
    assert f'data-box="{route.box}"' in page
    assert page.count("data-event=") == TO_SEALED
    assert f'href="/boxes/{route.box}/"' in page
    assert f"/region/{route.village}/" in page  # the breadcrumb back to the village


def test_the_tps_page_is_scoped_and_live(route: Route):
    assert logged_in("polsek-timur").get(f"/tps/{route.tps}/").status_code == 403
    client = logged_in("polsek-barat")
    etag = client.get(f"/tps/{route.tps}/live/")["ETag"]
    depart_unescorted(route, NIGHT, by="commander")
    changed = client.get(f"/tps/{route.tps}/live/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "escort" in changed.content.decode()


def test_the_wall_cycles_through_districts_with_open_alerts(small: Small):
    barat = home_route(small)
    timur = route_of(small.boxes_in(OTHER)[0], barat.polri, barat.tni)
    for route in (barat, timur):
        depart_unescorted(route, NIGHT, by="commander")
    client = logged_in("commander")
    first = client.get(f"/wall/{REGENCY}/").content.decode()
    assert f'data-wall-focus="{HOME}"' in first
    second = client.get(f"/wall/{REGENCY}/live/", {"after": HOME}).content.decode()
    assert f'data-wall-focus="{OTHER}"' in second
    assert f'hx-get="/wall/{REGENCY}/live/?after={OTHER}"' in second
    again = client.get(f"/wall/{REGENCY}/live/", {"after": OTHER}).content.decode()
    assert f'data-wall-focus="{HOME}"' in again


def test_a_calm_wall_says_so(small):
    assert "data-wall-focus" not in logged_in("commander").get(f"/wall/{REGENCY}/").content.decode()


def test_rotation_wraps_and_starts_over_when_the_district_left_it():
    assert next_in_rotation(["a", "b"], "b") == "a"
    assert next_in_rotation(["a", "b"], "gone") == "a"
    assert next_in_rotation([], "a") is None


def test_with_a_plan_the_overview_shows_planned_personnel_and_the_tps_page_its_guards(demo):
    from kawal.planning.models import PostTPS
    from kawal.planning.service import make_plan

    plan = make_plan(demo)
    overview = logged_in("komandan").get("/region/35.10/").content.decode()
    assert overview.count('<tr data-personnel="35.10.') == 25
    guarded = PostTPS.objects.filter(post__plan=plan, post__assignments__isnull=False).first().tps
    page = logged_in("komandan").get(f"/tps/{guarded.code}/").content.decode()
    assert "data-guard=" in page
    observer = logged_in("pemantau").get(f"/tps/{guarded.code}/").content.decode()
    assert "data-guard=" not in observer
    assert 'id="personnel"' not in logged_in("pemantau").get("/region/35.10/").content.decode()
