"""Paper, in real headless Chromium: the overview, region and TPS pages print on A4 without
navigation or search, black on white; box labels and deployment lists too long to make
while one waits are made in the background, their progress shown, then downloaded."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.room import room
from tests.pdfs import page_count, page_sizes

pytestmark = pytest.mark.e2e

MAKING_MS = 180_000  # a district's labels on a busy two-core machine, with room to spare
CONTRAST = """() => {
  const lum = c => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
      .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const back = lum(getComputedStyle(document.body).backgroundColor);
  let worst = 21, what = "";
  for (const el of document.querySelectorAll("main *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim());
    if (!own || !el.getClientRects().length || el.closest("svg")) continue;
    const f = lum(getComputedStyle(el).color);
    const ratio = (Math.max(f, back) + 0.05) / (Math.min(f, back) + 0.05);
    if (ratio < worst) { worst = ratio; what = el.tagName + "." + el.className; }
  }
  return [worst, what];
}"""
HIDDEN_ON_PAPER = ("nav.sections", "form.search", "#controls", ".handle", "#updated")


def test_the_overview_region_and_tps_pages_print_on_a4_black_on_white(login, server, server_env):
    r = room(server, server_env)
    page = login("komandan")
    for path in ("/region/35.10/", "/region/35.10.09/", f"/tps/{r.tps}/"):
        page.goto(server + path)
        page.emulate_media(media="print")
        for selector in HIDDEN_ON_PAPER:
            for element in page.locator(selector).all():
                expect(element).to_be_hidden()
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        worst, what = page.evaluate(CONTRAST)
        assert worst >= 4.5, f"{path}: {what} at {worst:.1f}:1"
        pdf = page.pdf(prefer_css_page_size=True)
        assert page_sizes(pdf) == {(595, 842)} and page_count(pdf) >= 1, path
        page.emulate_media(media="screen")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    screenshot(page, "print-tps")


def test_a_districts_labels_are_made_in_the_background_and_downloaded(login, server):
    page = login("polsek-gambiran")
    page.locator("a.labels-link").click()
    page.wait_for_url("**/labels/35.10.07/")
    state = page.locator("#paper-progress")
    page.locator("button[data-make]").click()
    expect(state).to_have_attribute("data-state", "running")
    expect(state.locator("progress")).to_be_visible()
    expect(state).to_have_attribute("data-state", "ready", timeout=MAKING_MS)
    with page.expect_download() as download:
        page.locator("a[data-download]").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and page_count(pdf) >= 7


def test_the_regencys_labels_and_deployment_list_answer_with_their_pages(
    login, server, server_env
):
    room(server, server_env)  # a plan exists
    page = login("komandan")
    response = page.goto(f"{server}/labels/35.10.pdf")
    assert response.status == 200 and page.url.endswith("/labels/35.10/")
    expect(page.locator("#paper-progress button[data-make]")).to_be_visible()
    page.goto(f"{server}/plan/35.10/")
    page.locator('.plan-head a[href="/plan/35.10/daftar/"]').click()
    page.wait_for_url("**/plan/35.10/daftar/")
    expect(page.locator("#paper-progress")).to_have_attribute("data-state", "none")
    response = page.goto(f"{server}/plan/35.10/daftar.pdf")
    assert response.status == 200 and page.url.endswith("/plan/35.10/daftar/")
