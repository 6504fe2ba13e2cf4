"""The box page in real headless Chromium: back to its TPS in one click, and its alerts
handled in place by a role that may act."""

import pytest
from playwright.sync_api import expect

from tests.e2e.room import room

pytestmark = pytest.mark.e2e


def test_the_box_page_leads_back_to_its_tps(login, server, server_env):
    r = room(server, server_env)
    page = login("polsek-genteng")
    page.goto(f"{server}/boxes/{r.box}/")
    page.locator("a[data-tps-link]").click()
    page.wait_for_url(f"**/tps/{r.tps}/")
    expect(page.locator(f'#boxes tr[data-box="{r.box}"]')).to_be_visible()


def test_a_sector_user_resolves_an_alert_on_the_box_page(login, server, server_env):
    r = room(server, server_env)
    page = login("polsek-genteng")
    page.goto(f"{server}/boxes/{r.box}/")
    page.evaluate("window.kawalMarker = 'same page'")
    alert = page.locator('#alerts li[data-rule="skipped_leg"]')
    alert.locator("input[name=note]").fill("Kotak dicek di PPK Genteng, lengkap")
    alert.locator("button[value=resolve]").click()
    done = page.locator('#alerts li[data-rule="skipped_leg"]')
    expect(done).to_have_attribute("data-status", "resolved")
    expect(done).to_contain_text("polsek-genteng, selesai] Kotak dicek di PPK Genteng, lengkap")
    assert page.evaluate("window.kawalMarker") == "same page"


def test_an_observer_reads_the_boxs_alerts_without_actions(login, server, server_env):
    r = room(server, server_env)
    page = login("pemantau")
    page.goto(f"{server}/boxes/{r.box}/")
    expect(page.locator("#alerts li[data-alert]").first).to_be_visible()
    assert page.locator("#alerts form").count() == 0
