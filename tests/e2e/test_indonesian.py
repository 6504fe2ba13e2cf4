"""Every main page in Bahasa Indonesia, in real headless Chromium: none of the English phrases
the catalogues translate shows on a page, and the alerts read as words."""

import re

import pytest
from playwright.sync_api import expect

from tests.catalogues import english_phrases
from tests.e2e.room import room

pytestmark = pytest.mark.e2e


# Every text node as written (innerText would apply CSS text-transform), and the words a
# reader meets in placeholders, tooltips and labels.
PAGE_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent.closest("script, style")) parts.push(walker.currentNode.nodeValue);
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
    parts.push(el.getAttribute("placeholder") || "", el.getAttribute("title") || "",
               el.getAttribute("aria-label") || "");
  }
  return parts.join("\\n");
}"""


def _english_on(page) -> list[str]:
    text = page.evaluate(PAGE_TEXT)
    return sorted(
        phrase
        for phrase in english_phrases()
        if re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", text)
    )


def _pages(r, member: str) -> list[str]:
    return [
        "/region/35.10/",
        "/region/35.10.09/",
        f"/region/{r.village}/",
        f"/tps/{r.tps}/",
        f"/boxes/{r.box}/",
        "/plan/35.10/",
        "/plan/35.10.09/",
        member,
        "/wall/35.10/",
        "/alerts/",
        "/incidents/",
        "/search/?q=sari",
    ]


def test_the_main_pages_show_no_english_phrase_in_indonesian(login, server, server_env):
    r = room(server, server_env)
    page = login("komandan")
    assert page.locator("html").get_attribute("lang") == "id"
    page.goto(f"{server}/plan/35.10.09/")
    member = page.locator('a[href^="/plan/member/"]').first.get_attribute("href")
    found = {}
    for path in _pages(r, member):
        response = page.goto(server + path)
        assert response.status == 200, path
        english = _english_on(page)
        if english:
            found[path] = english
    assert not found, f"English on Indonesian pages: {found}"
    # The same walk in English finds the phrases: the check itself sees them.
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{server}/region/35.10/")
    assert {"Open alerts", "Overdue legs", "Alerts by rule"} <= set(_english_on(page))


def test_an_alert_reads_as_words_on_the_box_page(login, server, server_env):
    r = room(server, server_env)
    page = login("komandan")
    page.goto(f"{server}/boxes/{r.box}/")
    escort = page.locator('.custody-alerts li[data-rule="escort"]')
    expect(escort.locator(".head")).to_contain_text("kritis pengawal kurang")
    expect(escort.locator(".status")).to_have_text("diketahui")
    expect(escort).to_contain_text("berangkat tanpa pengawal Polri")
    expect(escort).to_contain_text("komandan, diketahui] Kapolsek mengirim pengawal")
    skipped = page.locator('.custody-alerts li[data-rule="skipped_leg"]')
    expect(skipped).to_contain_text("tiba di PPS tanpa melewati PPK")
    for code in ("seal_mismatch", "skipped_leg", "escort", "critical", "open"):
        assert not re.search(rf"\b{code}\b", page.locator(".custody-alerts").inner_text())


def test_the_same_alert_reads_in_english_after_switching(login, server, server_env):
    r = room(server, server_env)
    page = login("komandan")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{server}/boxes/{r.box}/")
    escort = page.locator('.custody-alerts li[data-rule="escort"]')
    expect(escort.locator(".head")).to_contain_text("critical escort missing")
    expect(escort.locator(".status")).to_have_text("acknowledged")
    expect(escort).to_contain_text("departure without a Polri escort")
