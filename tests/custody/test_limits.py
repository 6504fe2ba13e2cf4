"""The ledger check and the box labels are costly: only the roles that need them may ask,
over their own region, and each user only so often."""

import pytest
from django.test import Client

from kawal.custody import ledger
from tests.conftest import bearer, logged_in, user
from tests.custody.conftest import journey

VERIFY = "/api/v1/custody/verify"


@pytest.mark.parametrize("username", ["commander", "administrator"])
def test_command_and_admin_users_run_the_ledger_check(route, username):
    ledger.ingest(user("officer"), journey(route))
    body = Client().get(VERIFY, **bearer(username)).json()
    assert body["ok"] is True and body["events"] >= 15


@pytest.mark.parametrize("username", ["observer", "officer", "polsek-barat"])
def test_other_roles_may_not_run_the_ledger_check(route, username):
    refused = Client().get(VERIFY, **bearer(username))
    assert refused.status_code == 403
    assert "command and admin" in refused.json()["detail"]


def test_the_ledger_check_is_limited_per_user(route, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": (2, 600)}
    commander, administrator = bearer("commander"), bearer("administrator")
    assert [Client().get(VERIFY, **commander).status_code for _ in range(2)] == [200, 200]
    over = Client().get(VERIFY, **commander)
    assert over.status_code == 429
    assert "too many requests" in over.json()["detail"] and "verify" in over.json()["detail"]
    assert 1 <= int(over["Retry-After"]) <= 600
    # Another user's count is their own.
    assert Client().get(VERIFY, **administrator).status_code == 200


def test_the_openapi_schema_declares_the_refusals_of_the_ledger_check(db):
    schema = Client().get("/api/v1/openapi.json").json()
    answers = schema["paths"]["/api/v1/custody/verify"]["get"]["responses"]
    assert {"200", "403", "429"} <= set(answers)


@pytest.mark.parametrize("username", ["officer", "observer"])
def test_field_and_observer_users_may_not_print_labels(route, username):
    assert logged_in(username).get(f"/labels/{route.village}.pdf").status_code == 403


def test_a_sector_user_prints_only_their_own_districts_labels(route):
    assert logged_in("polsek-barat").get(f"/labels/{route.village}.pdf").status_code == 200
    assert logged_in("polsek-timur").get(f"/labels/{route.village}.pdf").status_code == 403


def test_label_sheets_are_limited_per_user(route, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "labels": (1, 600)}
    client = logged_in("polsek-barat")
    assert client.get(f"/labels/{route.village}.pdf").status_code == 200
    over = client.get(f"/labels/{route.village}.pdf")
    assert over.status_code == 429 and "Retry-After" in over
    assert "Terlalu banyak permintaan" in over.content.decode()
    assert logged_in("commander").get(f"/labels/{route.village}.pdf").status_code == 200


def test_the_box_page_offers_labels_only_to_who_may_print_them(route):
    link = f'href="/labels/{route.village}.pdf"'
    assert link in logged_in("polsek-barat").get(f"/boxes/{route.box}/").content.decode()
    assert link not in logged_in("observer").get(f"/boxes/{route.box}/").content.decode()
