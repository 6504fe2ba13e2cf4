"""The region page and its live part: figures, map colours, table, feeds, scope, queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kawal.accounts.models import Role, RoleGrant
from kawal.custody.models import Alert
from kawal.incidents.models import Incident
from kawal.territory.models import TPS, Region
from tests.command.conftest import TO_AT_KPU, TO_DELIVERED, TO_SEALED, depart_unescorted, move
from tests.conftest import logged_in, user

WIB = ZoneInfo("Asia/Jakarta")
NIGHT = datetime(2024, 11, 27, 21, tzinfo=WIB)


def _page(username: str, url: str) -> str:
    response = logged_in(username).get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _row(page: str, code: str) -> str:
    start = page.index(f'<tr data-region="{code}"')
    return page[start : page.index("</tr>", start)]


def test_milestones_count_the_boxes_that_reached_them(routes):
    for r in routes("35.10.02", 3):
        move(r, TO_SEALED)
    move(routes("35.10.03")[0], TO_DELIVERED)
    body = logged_in("komandan").get("/api/v1/status?region=35.10").json()
    reached = body["region"]["totals"]["reached"]
    assert reached["delivered"] == 4 and reached["opened"] == 3 and reached["sealed"] == 3
    assert reached["at_kpu"] == 0
    by_code = {c["code"]: c["totals"] for c in body["children"]}
    assert by_code["35.10.02"]["reached"]["sealed"] == 3
    assert by_code["35.10.03"]["reached"]["sealed"] == 0


def test_a_box_left_in_transit_past_its_leg_counts_as_overdue(routes):
    move(routes("35.10.05")[0], 1)  # departed in 2024: long past any leg's hours
    page = _page("komandan", "/region/35.10/")
    assert 'data-total="overdue">1<' in page
    assert "data-overdue>1<" in _row(page, "35.10.05")
    assert "data-overdue>0<" in _row(page, "35.10.06")


def test_open_critical_alerts_draw_a_red_edge_on_their_district(routes):
    depart_unescorted(routes("35.10.04")[0], NIGHT)
    assert Alert.objects.filter(box__code__startswith="35.10.04.", severity="critical").exists()
    page = _page("komandan", "/region/35.10/")
    assert 'data-region="35.10.04" class="band-0 alarm"' in page
    assert 'data-region="35.10.03" class="band-0"' in page
    assert 'data-total="open_alerts">1<' in page
    assert "escort" in page[page.index('id="alerts"') :]


def test_the_map_colours_districts_by_progress_of_the_current_stage(routes):
    # The demo's operation is over: its last stage (KPU recap) leads, judged by boxes at KPU.
    for r in routes("35.10.07", 120):
        move(r, TO_AT_KPU)
    page = _page("komandan", "/region/35.10/")
    assert '<figure class="map" data-milestone="at_kpu">' in page
    assert 'data-region="35.10.07" class="band-5"' in page  # all 120 boxes of Gambiran
    assert 'data-region="35.10.08" class="band-0"' in page


def test_the_table_filters_to_districts_with_alerts_and_sorts_by_them(routes):
    depart_unescorted(routes("35.10.09")[0], NIGHT)
    for r in routes("35.10.11", 2):
        depart_unescorted(r, NIGHT)
    page = _page("komandan", "/region/35.10/live/?only=alerts&sort=-alerts")
    table = page[page.index('id="children"') : page.index("</table>")]
    assert table.count("<tr data-region=") == 2
    assert table.index('data-region="35.10.11"') < table.index('data-region="35.10.09"')


def test_the_live_part_answers_304_until_something_changes(routes):
    depart_unescorted(routes("35.10.01", 2)[1], NIGHT)  # an alert with its acknowledge form
    client = logged_in("komandan")
    first = client.get("/region/35.10.01/live/")
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    assert client.get("/region/35.10.01/live/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    depart_unescorted(routes("35.10.01")[0], NIGHT)
    changed = client.get("/region/35.10.01/live/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_village_page_draws_its_tps_as_points_linking_to_their_pages(demo):
    page = _page("komandan", "/region/35.10.01.2001/")
    n = TPS.objects.filter(village_id="35.10.01.2001").count()
    assert page.count('<circle data-tps="35.10.01.2001-') == n
    assert 'href="/tps/35.10.01.2001-001/"' in page


def test_the_incident_feed_lists_incidents_in_scope_only(demo):
    for code, text in (("35.10.01", "rally at the PPK office"), ("35.10.02", "road flooded")):
        Incident.objects.create(
            category="protest", severity="high", occurred_at=NIGHT, region=Region.objects.get(code=code),
            description=text,
        )
    assert "rally at the PPK office" in _page("komandan", "/region/35.10/")
    sector = _page("polsek-pesanggaran", "/region/35.10.01/")
    assert "rally at the PPK office" in sector and "road flooded" not in sector


def test_a_sector_user_cannot_poll_another_district_or_the_regency(demo):
    client = logged_in("polsek-pesanggaran")
    assert client.get("/region/35.10.01/live/").status_code == 200
    assert client.get("/region/35.10/live/").status_code == 403
    assert client.get("/region/35.10.02/live/").status_code == 403
    assert client.get("/wall/35.10/").status_code == 403


def test_an_observer_sees_progress_and_alerts_but_no_personnel_and_no_buttons(routes):
    depart_unescorted(routes("35.10.01")[0], NIGHT)
    page = _page("pemantau", "/region/35.10/")
    assert 'id="personnel"' not in page and 'data-total="polri"' not in page
    assert "escort" in page
    assert "/acknowledge/" not in page


@pytest.mark.parametrize("url", ["/region/{}/live/", "/wall/{}/live/"])
def test_the_overview_costs_the_same_queries_however_many_tps_a_region_holds(routes, url):
    """Gambiran (60 TPS) against Banyuwangi town (210); the regency before and after 300 more."""
    depart_unescorted(routes("35.10.07")[0], NIGHT)
    client = logged_in("komandan")

    def count(code: str) -> int:
        client.get(url.format(code))  # warm caches (maps, session) first
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(code)).status_code == 200
        return len(queries)

    assert count("35.10.07") == count("35.10.16")
    regency = count("35.10")
    village = Region.objects.get(code="35.10.07.2001")
    TPS.objects.bulk_create(
        TPS(code=f"{village.code}-{n:03d}", village=village, number=n, voters=300,
            address="added", lat=village.lat, lng=village.lng)
        for n in range(600, 900)
    )
    assert count("35.10") == regency


def test_the_national_page_needs_a_role_over_every_top_region(demo):
    # The demo ships one regency and no province; a second top region makes a country page.
    Region.objects.create(
        code="35.09", name="Kabupaten Jember", level=Region.Level.KABUPATEN, lat=-8.17, lng=113.7
    )
    assert logged_in("komandan").get("/national/").status_code == 403
    RoleGrant.objects.create(user=user("komandan"), role=Role.COMMAND, region_id="35.09")
    page = _page("komandan", "/national/")
    assert page.count('<tr data-region="') == 2 and '<tr data-region="35.10"' in page
    assert logged_in("komandan").get("/national/live/").status_code == 200
    assert logged_in("polsek-pesanggaran").get("/national/").status_code == 403


def test_the_progress_table_shows_each_milestone_as_a_bar_with_its_percent(routes):
    both = routes("35.10.01", 2)  # the two boxes of one TPS
    assert both[0].tps == both[1].tps
    for route in both:
        move(route, TO_SEALED)
    page = _page("komandan", f"/region/{both[0].village}/")
    row = page[page.index(f'<tr data-region="{both[0].tps}"') :]
    row = row[: row.index("</tr>")]
    assert row.count('<td class="bar') == 6
    assert row.count("<span>100%</span>") == 3 and row.count("<span>0%</span>") == 3
    assert '<th class="milestone' in page and "disegel" in page
