"""Every page on a phone, in real headless Chromium at 360×740: nothing scrolls sideways, no
button is cut off at the edge, and every button is at least 44 px tall."""

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.room import room

pytestmark = pytest.mark.e2e

PHONE = (360, 740)
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const buttons = [...document.querySelectorAll("button, input[type=submit], .btn")]
    .filter(b => b.getClientRects().length && getComputedStyle(b).visibility !== "hidden")
    .map(b => {
      const r = b.getBoundingClientRect();
      return {text: b.textContent.trim() || b.value || b.name, height: r.height,
              cut: r.left < 0 || r.right > width + 0.5};
    });
  return {width, scrollWidth: document.documentElement.scrollWidth, buttons};
}"""


def _phone_pages(r, member: str) -> dict[str, str]:
    return {
        "overview": "/",
        "region": "/region/35.10.09/",
        "TPS": f"/tps/{r.tps}/",
        "box": f"/boxes/{r.box}/",
        "plan": "/plan/35.10.09/",
        "member": member,
        "alerts": "/alerts/",
        "incidents": "/incidents/",
        "search": "/search/?q=sari",
    }


def test_no_page_scrolls_sideways_on_a_phone_and_every_button_is_a_thumbs_height(
    login, server, server_env
):
    r = room(server, server_env)
    page = login("komandan", viewport=PHONE)
    page.goto(f"{server}/plan/35.10.09/")
    member = page.locator('a[href^="/plan/member/"]').first.get_attribute("href")
    problems = []
    for name, path in _phone_pages(r, member).items():
        response = page.goto(server + path)
        assert response.status == 200, path
        found = page.evaluate(MEASURE)
        if found["scrollWidth"] > found["width"]:
            problems.append(f"{name}: {found['scrollWidth']} px wide on a {found['width']} px screen")
        problems += [f"{name}: {b['text']!r} cut at the edge" for b in found["buttons"] if b["cut"]]
        problems += [
            f"{name}: {b['text']!r} only {b['height']:.0f} px tall"
            for b in found["buttons"]
            if b["height"] < 44
        ]
        if name == "TPS":
            screenshot(page, "phone-tps")
    assert not problems, "\n".join(problems)


def test_the_tps_pages_resolve_button_and_due_column_are_on_screen(login, server, server_env):
    r = room(server, server_env)
    page = login("komandan", viewport=PHONE)
    page.goto(f"{server}/tps/{r.tps}/")
    resolve = page.locator("#alerts button[value=resolve]").first
    due = page.locator("#boxes th").nth(3)
    for element in (resolve, due):
        box = element.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
