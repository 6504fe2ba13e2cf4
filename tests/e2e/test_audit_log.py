"""The audit log page in real headless Chromium: a commander finds their own sign-in, filters
by actor, and an observer is refused."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_a_commander_finds_their_sign_in_and_filters_the_log_by_actor(login, server):
    page = login("komandan")
    page.goto(f"{server}/audit/")
    expect(page.locator("h1")).to_have_text("Catatan audit")
    page.fill("input[name=actor]", "komandan")
    page.fill("input[name=action]", "login")
    page.click("#audit-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "actor=komandan" in page.url
    rows = page.locator("#audit-list tbody tr[data-entry]")
    assert rows.count() >= 1
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.nth(1).inner_text() == "komandan"
        assert cells.nth(2).inner_text() == "login"
    screenshot(page, "audit-log")


def test_an_observer_is_refused_the_audit_log(login, server):
    page = login("pemantau")
    response = page.goto(f"{server}/audit/")
    assert response.status == 403
