"""Who sees and moves which incidents; what an observer never sees."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from kawal.incidents import handling
from tests.conftest import bearer, logged_in, user
from tests.incidents.conftest import reported

PEOPLE = "Budi Santoso (0812-3456-7890), saksi paslon 1"


@pytest.fixture
def two_districts(tps_in):
    """An incident in Pesanggaran (35.10.01) and one in Bangorejo (35.10.02)."""
    return (
        reported("komandan", tps_in("35.10.01").code, people_involved=PEOPLE),
        reported("komandan", tps_in("35.10.02").code, people_involved=PEOPLE),
    )


def test_a_sector_user_sees_only_their_districts_incidents(two_districts):
    ours, theirs = two_districts
    listed = Client().get("/api/v1/incidents", **bearer("polsek-pesanggaran")).json()
    assert [i["id"] for i in listed] == [str(ours.pk)]
    sector = logged_in("polsek-pesanggaran")
    assert sector.get(f"/incidents/{ours.pk}/").status_code == 200
    assert sector.get(f"/incidents/{theirs.pk}/").status_code == 404
    page = sector.get("/incidents/").content.decode()
    assert str(ours.pk) in page and str(theirs.pk) not in page
    assert Client().get("/api/v1/incidents?region=35.10.02",
                        **bearer("polsek-pesanggaran")).status_code == 403  # fmt: skip


def test_a_sector_user_moves_only_their_districts_incidents(two_districts):
    ours, theirs = two_districts
    sector = user("polsek-pesanggaran")
    assert handling.do_move(ours.pk, "handle", "dicek", acting_user=sector).status == "handled"
    with pytest.raises(Http404):
        handling.do_move(theirs.pk, "handle", "dicek", acting_user=sector)
    response = Client().post(
        f"/api/v1/incidents/{theirs.pk}/handle", data=json.dumps({"note": "x"}),
        content_type="application/json", **bearer("polsek-pesanggaran"),
    )  # fmt: skip
    assert response.status_code == 404
    page = logged_in("polsek-pesanggaran").post(f"/incidents/{theirs.pk}/handle/", {"note": "x"})
    assert page.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "reported"


def test_observers_and_field_members_cannot_move_incidents(two_districts):
    ours, _ = two_districts
    for username in ("pemantau", "petugas"):
        with pytest.raises(PermissionDenied):
            handling.do_move(ours.pk, "handle", "x", acting_user=user(username))


def test_an_observer_sees_incidents_but_no_reporter_people_or_handler(two_districts):
    ours, _ = two_districts
    handling.do_move(ours.pk, "handle", "diamankan", acting_user=user("komandan"))
    listed = Client().get("/api/v1/incidents", **bearer("pemantau")).json()
    assert len(listed) == 2
    seen = next(i for i in listed if i["id"] == str(ours.pk))
    assert "people_involved" not in seen and "reported_by" not in seen
    assert all("by" not in s for s in seen["steps"])
    assert seen["steps"][1]["note"] == "diamankan"
    assert PEOPLE not in json.dumps(listed) and "komandan" not in json.dumps(listed)
    page = logged_in("pemantau").get(f"/incidents/{ours.pk}/").content.decode()
    assert "Budi" not in page and "0812" not in page and "komandan" not in page
    assert ours.description in page and "diamankan" in page


def test_command_staff_see_the_reporter_and_the_people_involved(two_districts):
    ours, _ = two_districts
    body = Client().get(f"/api/v1/incidents?region={ours.region_id}", **bearer("komandan")).json()
    assert body[0]["people_involved"] == PEOPLE and body[0]["reported_by"] == "komandan"
    page = logged_in("komandan").get(f"/incidents/{ours.pk}/").content.decode()
    assert "Budi Santoso" in page and "data-reporter" in page
