"""Pages that answer properly, in real headless Chromium: the styled refusal and not-found
pages, and plan pages whose every link leads somewhere the reader may go."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.room import room

pytestmark = pytest.mark.e2e

# Files to download are links too, but slow to make: the pages they come from are tested.
DOWNLOADS = (".pdf", ".xlsx", ".svg")


def test_a_refused_page_and_a_missing_one_answer_in_the_products_look(login, server):
    page = login("polsek-pesanggaran")
    response = page.goto(f"{server}/region/35.10/")
    assert response.status == 403
    expect(page.locator(".topbar")).to_be_visible()
    expect(page.locator("[data-answer='403'] h1")).to_have_text(
        "Halaman ini bukan untuk peran atau wilayah Anda"
    )
    screenshot(page, "answer-403")
    response = page.goto(f"{server}/region/35.10.99/")
    assert response.status == 404
    expect(page.locator("[data-answer='404'] h1")).to_have_text("Tidak ditemukan")
    page.locator("[data-answer='404'] a.btn").click()
    page.wait_for_url("**/region/35.10.01/")


@pytest.mark.parametrize("username", ["pemantau", "polsek-genteng"])
def test_every_link_on_a_district_plan_page_leads_where_the_reader_may_go(
    login, server, server_env, username
):
    room(server, server_env)  # a plan exists
    page = login(username)
    page.goto(f"{server}/plan/35.10.09/")
    hrefs = page.locator("main a[href]").evaluate_all("as => as.map(a => a.href)")
    paths = sorted({urlparse(h).path for h in hrefs if urlparse(h).netloc == urlparse(server).netloc})
    assert len(paths) > 20
    refused = []
    for path in paths:
        if path.endswith(DOWNLOADS):
            continue
        status = page.request.get(server + path, max_redirects=0).status
        if status != 200:
            refused.append(f"{path}: {status}")
    assert not refused, refused
