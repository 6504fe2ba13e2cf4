"""The audit log page: command and admin staff read their area's entries and filter them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.models import AuditEntry
from kawal.accounts.views import PER_PAGE
from tests.conftest import logged_in, user
from tests.factories import COMMANDER

PAGE = "/audit/"


@pytest.fixture
def logged(small):
    """Entries in both districts, one outside the regency, and one of the system's own."""
    return {
        "home": audit.record("test.home", small.tps[0], actor=user("polsek-barat")),
        "other": audit.record("test.other", small.tps[-1], actor=user("polsek-timur")),
        "elsewhere": audit.record("test.elsewhere", actor=None, region="35.10.01"),
        "elsewhere_by_ours": audit.record(
            "test.elsewhere", actor=user("polsek-barat"), region="35.10.02"
        ),
        "sign_in": audit.record("test.signin", user("officer"), actor=user("officer")),
        "system": audit.record("test.system", actor=None),
    }


def _shown(username: str, query: str = "") -> set[int]:
    response = logged_in(username).get(PAGE + query)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"]}


def test_a_commander_sees_their_regency_and_its_people_but_nothing_outside_it(logged):
    shown = _shown(COMMANDER)
    assert {logged[k].pk for k in ("home", "other", "sign_in")} <= shown
    for hidden in ("elsewhere", "elsewhere_by_ours", "system"):
        assert logged[hidden].pk not in shown, hidden


def test_an_admin_also_sees_the_systems_own_entries(logged):
    shown = _shown("administrator")
    assert {logged["system"].pk, logged["home"].pk} <= shown
    assert logged["elsewhere"].pk not in shown


@pytest.mark.parametrize("username", ["polsek-barat", "officer", "observer"])
def test_other_roles_are_refused(small, username):
    assert logged_in(username).get(PAGE).status_code == 403


def test_filters_by_actor_action_target_and_date(logged, small):
    assert _shown(COMMANDER, "?actor=polsek-timur") == {logged["other"].pk}
    assert _shown(COMMANDER, "?action=test.home") == {logged["home"].pk}
    assert _shown(COMMANDER, "?action=test") >= {logged["home"].pk, logged["other"].pk}
    assert _shown(COMMANDER, f"?target={small.tps[-1].pk}") == {logged["other"].pk}
    today = timezone.localdate(timezone=timezone.get_fixed_timezone(7 * 60))
    assert logged["home"].pk in _shown(COMMANDER, f"?since={today}&until={today}")
    assert _shown(COMMANDER, f"?until={today - timedelta(days=1)}") == set()


def test_a_bad_date_names_the_field(small):
    response = logged_in(COMMANDER).get(PAGE + "?since=kemarin")
    assert response.status_code == 400
    assert "since" in response.context["form"].errors


def test_the_log_is_paginated_newest_first_and_keeps_the_filter(small):
    for n in range(PER_PAGE + 5):
        audit.record("test.many", small.tps[0], actor=None, n=n)
    client = logged_in(COMMANDER)
    first = client.get(PAGE + "?action=test.many")
    entries = list(first.context["page"])
    assert len(entries) == PER_PAGE and entries[0].details["n"] == PER_PAGE + 4
    assert 'href="?action=test.many&amp;page=2"' in first.content.decode()
    second = client.get(PAGE + "?action=test.many&page=2")
    assert [e.details["n"] for e in second.context["page"]] == [4, 3, 2, 1, 0]


def test_the_page_speaks_indonesian_first_and_english_on_request(logged):
    client = logged_in(COMMANDER)
    html = client.get(PAGE).content.decode()
    assert "Catatan audit" in html and "Pelaku" in html
    client.post("/i18n/setlang/", {"language": "en", "next": PAGE})
    assert "Audit log" in client.get(PAGE).content.decode()


def test_reading_the_log_is_not_itself_a_write(logged):
    before = AuditEntry.objects.count()
    logged_in(COMMANDER).get(PAGE)
    assert AuditEntry.objects.count() == before + 1  # the sign-in of logged_in(), only
    assert AuditEntry.objects.order_by("-position").first().action == "login"
