"""Region scope and roles, enforced in both the pages and the API."""

from django.test import Client

from kawal.accounts.models import Role
from kawal.accounts.scope import Scope
from tests.conftest import bearer, logged_in


def test_the_api_refuses_a_caller_without_a_token(demo):
    assert Client().get("/api/v1/status?region=35.10").status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer kwl_not-a-real-token"}
    assert Client().get("/api/v1/status?region=35.10", **bad).status_code == 401


def test_komandan_sees_the_whole_regency_in_the_status_api(demo):
    body = Client().get("/api/v1/status?region=35.10", **bearer("komandan")).json()
    assert body["region"]["totals"]["tps"] == 2_732
    assert body["region"]["totals"]["voters"] == 1_348_925
    assert body["region"]["totals"]["boxes"] == 5_464
    assert len(body["children"]) == 25
    assert sum(c["totals"]["tps"] for c in body["children"]) == 2_732


def test_a_sector_user_sees_only_their_district_in_the_api(demo):
    headers = bearer("polsek-pesanggaran")
    assert Client().get("/api/v1/status?region=35.10", **headers).status_code == 403
    assert Client().get("/api/v1/status?region=35.10.02", **headers).status_code == 403
    own = Client().get("/api/v1/status?region=35.10.01", **headers)
    assert own.status_code == 200
    assert {c["code"][:8] for c in own.json()["children"]} == {"35.10.01"}
    village = Client().get("/api/v1/status?region=35.10.01.2001", **headers).json()
    assert all(c["code"].startswith("35.10.01.2001-") for c in village["children"])


def test_a_sector_user_gets_only_their_districts_personnel(demo):
    headers = bearer("polsek-pesanggaran")
    members = Client().get("/api/v1/personnel?region=35.10.01", **headers).json()
    assert members
    assert all(m["region"].startswith("35.10.01") for m in members)
    assert Client().get("/api/v1/personnel?region=35.10", **headers).status_code == 403


def test_an_observer_is_denied_personnel(demo):
    headers = bearer("pemantau")
    response = Client().get("/api/v1/personnel?region=35.10", **headers)
    assert response.status_code == 403
    assert "nrp" not in response.content.decode()


def test_an_observer_gets_status_without_personnel_counts(demo):
    body = Client().get("/api/v1/status?region=35.10", **bearer("pemantau")).json()
    assert body["region"]["totals"]["tps"] == 2_732
    assert "personnel" not in body["region"]["totals"]


def test_a_sector_user_lands_on_their_district_page_and_cannot_open_another(demo):
    client = logged_in("polsek-pesanggaran")
    home = client.get("/")
    assert home.status_code == 302 and home.url == "/region/35.10.01/"
    page = client.get("/region/35.10.01/").content.decode()
    assert 'data-region="35.10.01.2001"' in page
    assert 'data-region="35.10.02' not in page
    assert client.get("/region/35.10/").status_code == 403
    assert client.get("/region/35.10.02/").status_code == 403


def test_the_overview_shows_the_25_districts_with_their_figures(demo):
    page = logged_in("komandan").get("/region/35.10/").content.decode()
    assert page.count('<path data-region="35.10.') == 25
    assert page.count('<tr data-region="35.10.') == 25
    assert "1.348.925" in page  # voters, in Indonesian number format


def test_an_observer_page_shows_no_personnel_figures(demo):
    page = logged_in("pemantau").get("/region/35.10/").content.decode()
    assert 'data-total="tps"' in page
    assert 'data-total="polri"' not in page


def test_pages_need_a_login(demo):
    response = Client().get("/region/35.10/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_command_sector_and_admin_staff_handle_alerts_and_field_staff_and_observers_do_not():
    def handles(*roles: str) -> bool:
        return Scope(tuple((r, "35.10") for r in roles)).handles_alerts_in("35.10.01")

    assert handles(Role.COMMAND) and handles(Role.SECTOR) and handles(Role.ADMIN)
    assert not handles(Role.FIELD)
    assert not handles(Role.OBSERVER)
    assert handles(Role.OBSERVER, Role.SECTOR)


# Sector over one district, observer over the whole regency.
TWO_ROLES = Scope(((Role.SECTOR, "35.10.01"), (Role.OBSERVER, "35.10")))


def test_a_user_with_two_roles_sees_personnel_only_where_the_personnel_role_is_held():
    assert TWO_ROLES.sees_personnel_in("35.10.01")
    assert TWO_ROLES.sees_personnel_in("35.10.01.2001-001")
    assert not TWO_ROLES.sees_personnel_in("35.10.02")
    assert not TWO_ROLES.sees_personnel_in("35.10")  # the regency as a whole: not all of it
    assert TWO_ROLES.personnel.regions == ("35.10.01",)


def test_a_user_with_two_roles_handles_alerts_only_where_the_handling_role_is_held():
    assert TWO_ROLES.handles_alerts_in("35.10.01.2001-001-BUP")
    assert not TWO_ROLES.handles_alerts_in("35.10.02.2001-001-BUP")


def test_a_user_with_two_roles_reads_the_whole_regency_but_one_region_covers_the_other():
    assert TWO_ROLES.regions == ("35.10",)
    assert TWO_ROLES.covers("35.10.02") and not TWO_ROLES.covers("35.11")
    assert TWO_ROLES.home == "35.10"


def test_the_personnel_filter_keeps_rows_of_the_personnel_regions_only(small):
    from kawal.personnel.models import Member
    from tests.factories import HOME, REGENCY

    scope = Scope(((Role.SECTOR, HOME), (Role.OBSERVER, REGENCY)))
    regions = set(Member.objects.filter(scope.personnel_filter("region__code")).values_list(
        "region_id", flat=True))
    assert regions and all(r.startswith(HOME) for r in regions)
    assert not Member.objects.filter(Scope(((Role.OBSERVER, REGENCY),)).personnel_filter(
        "region__code")).exists()
