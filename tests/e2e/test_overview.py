"""The operation overview in real headless Chromium."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_komandan_sees_the_regency_map_with_25_district_shapes(login):
    page = login("komandan")
    assert page.url.endswith("/region/35.10/")
    shapes = page.locator("svg path[data-region]")
    assert shapes.count() == 25
    codes = {shapes.nth(i).get_attribute("data-region") for i in range(25)}
    assert all(code.startswith("35.10.") and len(code) == 8 for code in codes)
    assert page.locator("#children tbody tr").count() == 25
    assert page.locator('[data-total="voters"]').inner_text() == "1.348.925"
    screenshot(page, "overview")


def test_clicking_a_district_opens_its_villages(login):
    page = login("komandan")
    page.locator('path[data-region="35.10.01"]').click()
    page.wait_for_url("**/region/35.10.01/")
    assert page.locator("svg path[data-region^='35.10.01.']").count() > 0


def test_english_is_one_click_away(login):
    page = login("komandan")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('[data-total="voters"]').inner_text() == "1,348,925"
