"""The wall screen at 1920×1080, for a room: a clock that follows the live updates, alert
lines readable from the back, and the regency's key figures in the largest type."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.room import room

pytestmark = pytest.mark.e2e

WALL = (1920, 1080)
POLL_MS = 10_000  # the live part's hx-trigger


def test_the_updated_clock_follows_the_live_updates_and_never_goes_stale(
    login, server, server_env
):
    room(server, server_env)
    page = login("komandan", viewport=WALL)
    page.goto(f"{server}/wall/35.10/")
    label = page.locator("#updated")
    clock = label.locator("time")
    shown = clock.inner_text()
    for _ in range(2):  # two answers of the live part, past the 15 s a stale clock turns red
        expect(clock).not_to_have_text(shown, timeout=POLL_MS + 5_000)
        expect(label).not_to_have_class(re.compile(r"\bstale\b"))
        shown = clock.inner_text()


def test_alert_lines_are_readable_from_the_back_of_the_room(login, server, server_env):
    room(server, server_env)
    page = login("komandan", viewport=WALL)
    page.goto(f"{server}/wall/35.10/")
    lines = page.locator(".wall-focus li")
    expect(lines.first).to_be_visible()
    sizes = lines.evaluate_all("ls => ls.map(l => parseFloat(getComputedStyle(l).fontSize))")
    assert sizes and min(sizes) >= 24, sizes
    figures = page.locator(".big.regency b").evaluate_all(
        "bs => bs.map(b => parseFloat(getComputedStyle(b).fontSize))"
    )
    focus = page.locator(".wall-focus .big:not(.regency) b").evaluate_all(
        "bs => bs.map(b => parseFloat(getComputedStyle(b).fontSize))"
    )
    assert len(figures) == 3 and min(figures) >= 64 and min(figures) > max(focus), (figures, focus)
    whole = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert whole == list(WALL)  # the whole wall on one screen, nothing to scroll
    screenshot(page, "wall")
