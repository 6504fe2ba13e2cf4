"""The incident pages, the command feed and wall, and markers on the maps and TPS pages."""

import pytest

from kawal.incidents import handling
from kawal.incidents.models import Incident
from tests.conftest import logged_in, user
from tests.incidents.conftest import VOTING_DAY, reported


def _page(username: str, url: str) -> str:
    response = logged_in(username).get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _feed(page: str) -> list[str]:
    """Incident ids in the order the command feed lists them."""
    start = page.index('id="incidents"')
    feed = page[start : page.index("</section>", start)]
    return [part.split('"')[0] for part in feed.split('data-incident="')[1:]]


def test_a_critical_incident_leads_the_command_feed_until_acknowledged(tps_in):
    critical = reported("petugas", tps_in("35.10.16").code, severity="critical",
                        occurred_at=VOTING_DAY.replace(hour=8).isoformat())  # fmt: skip
    newer = reported("petugas", tps_in("35.10.16").code, severity="high")
    page = _page("komandan", "/region/35.10/live/")
    assert _feed(page) == [str(critical.pk), str(newer.pk)]
    assert "data-escalated" in page and "/acknowledge/" in page
    handling.do_move(critical.pk, "acknowledge", "sudah diterima", acting_user=user("komandan"))
    page = _page("komandan", "/region/35.10/live/")
    assert _feed(page) == [str(newer.pk), str(critical.pk)]
    assert "data-escalated" not in page


def test_a_critical_incident_shows_on_the_wall_screen_until_acknowledged(tps_in):
    critical = reported("petugas", tps_in("35.10.16").code, severity="critical",
                        description="Kotak suara dibakar massa")  # fmt: skip
    wall = _page("komandan", "/wall/35.10/live/")
    assert "wall-escalated" in wall and "Kotak suara dibakar massa" in wall
    handling.do_move(critical.pk, "handle", "tim meluncur", acting_user=user("komandan"))
    assert "wall-escalated" not in _page("komandan", "/wall/35.10/live/")


def test_the_feed_handles_an_incident_in_place(tps_in):
    incident = reported("petugas", tps_in("35.10.16").code)
    client = logged_in("komandan")
    response = client.post(f"/incidents/{incident.pk}/handle/", {"note": "tim meluncur"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<li")
    assert 'data-status="handled"' in html and "/close/" in html
    wrong = client.post(f"/incidents/{incident.pk}/handle/", {"note": "x"}, HTTP_HX_REQUEST="true")
    assert wrong.status_code == 422 and "cannot be handled" in wrong.content.decode()
    no_note = client.post(f"/incidents/{incident.pk}/close/", {"note": ""}, HTTP_HX_REQUEST="true")
    assert no_note.status_code == 422 and "note is required" in no_note.content.decode()


def test_the_detail_page_shows_the_workflow_and_takes_a_step(tps_in):
    incident = reported("petugas", tps_in("35.10.16").code, category="traffic_accident",
                        dead=1, injured=2, actions_taken="korban dibawa ke RSUD")  # fmt: skip
    client = logged_in("komandan")
    response = client.post(f"/incidents/{incident.pk}/handle/", {"note": "lalin dialihkan"})
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="handled"' in page and "lalin dialihkan" in page
    assert '<li data-step="report">' in page and '<li data-step="handle">' in page
    assert "<b data-dead>1</b>" in page and "<b data-injured>2</b>" in page
    assert "korban dibawa ke RSUD" in page and 'data-action="close"' in page


def test_an_observer_gets_no_workflow_buttons(tps_in):
    incident = reported("petugas", tps_in("35.10.16").code)
    assert 'data-action="' not in _page("pemantau", f"/incidents/{incident.pk}/")
    assert "/handle/" not in _page("pemantau", "/region/35.10/live/")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("district=35.10.01", ["pesanggaran"]),
        ("category=protest", ["protest"]),
        ("severity=critical", ["critical"]),
        ("status=handled", ["handled"]),
        ("stage=voting", ["pesanggaran", "critical", "handled"]),
        ("stage=distribution", ["protest"]),
        ("", ["pesanggaran", "protest", "critical", "handled"]),
    ],
)
def test_the_list_filters_by_district_category_severity_status_and_stage(tps_in, query, expected):
    made = {
        "pesanggaran": reported("komandan", tps_in("35.10.01").code, severity="low"),
        "protest": reported("komandan", "35.10.16", category="protest", severity="medium",
                            occurred_at="2024-11-23T15:00:00+07:00"),
        "critical": reported("komandan", tps_in("35.10.16").code, severity="critical"),
        "handled": reported("komandan", tps_in("35.10.02").code, severity="low"),
    }  # fmt: skip
    handling.do_move(made["handled"].pk, "handle", "x", acting_user=user("komandan"))
    page = _page("komandan", f"/incidents/?{query}")
    shown = {name for name, i in made.items() if f'data-incident="{i.pk}"' in page}
    assert shown == set(expected)


def test_incidents_are_marked_on_the_region_map_and_listed_on_their_tps_page(tps_in):
    tps = tps_in("35.10.16")
    open_one = reported("petugas", tps.code)
    closed = reported("petugas", tps.code, severity="low")
    for action in ("handle", "close"):
        handling.do_move(closed.pk, action, "x", acting_user=user("komandan"))
    for url in ("/region/35.10/live/", "/region/35.10.16/live/", f"/region/{tps.village_id}/live/"):
        page = _page("komandan", url)
        assert f'data-incident-marker="{open_one.pk}"' in page
        assert f'data-incident-marker="{closed.pk}"' not in page
    assert f'data-incident-marker="{open_one.pk}"' not in _page(
        "komandan", "/region/35.10.01/live/"
    )
    tps_page = _page("komandan", f"/tps/{tps.code}/live/")
    assert f'href="/incidents/{open_one.pk}/"' in tps_page
    assert f'href="/incidents/{closed.pk}/"' in tps_page


def test_an_incident_outside_scope_is_not_marked_for_a_sector_user(tps_in):
    reported("komandan", tps_in("35.10.16").code)
    page = _page("polsek-pesanggaran", "/region/35.10.01/live/")
    assert "data-incident-marker" not in page
    assert Incident.objects.count() == 1
