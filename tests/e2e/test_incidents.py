"""Incidents in real headless Chromium: reported through the API, handled in the command feed;
the situation report downloaded and shown as it prints; the rakor view."""

import subprocess
import sys
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, screenshot
from tests.e2e.test_command_center import LIVE_WITHIN_MS, Api

pytestmark = pytest.mark.e2e

WIB = ZoneInfo("Asia/Jakarta")
A4 = {"width": 794, "height": 1123}  # CSS pixels at 96 dpi


@pytest.fixture(scope="session")
def commander(server, server_env) -> Api:
    def kawal(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "kawal.cli", *args], env=server_env, cwd=ROOT, check=True,
            capture_output=True, text=True,
        ).stdout  # fmt: skip

    kawal("plan")  # a deployment plan, so the sitrep and the rakor have strength to show
    return Api(server, kawal("token", "create", "komandan").strip().splitlines()[-1])


def test_an_incident_reported_through_the_api_is_handled_and_closed_in_the_command_feed(
    login, commander
):
    page = login("komandan")
    assert page.url.endswith("/region/35.10/")
    page.evaluate("window.kawalMarker = 'same page'")
    tps = commander.first_tps("35.10.09", 1)[0]
    incident = {
        "id": str(uuid.uuid4()), "category": "tps_disturbance", "severity": "critical",
        "occurred_at": datetime.now(WIB).isoformat(), "place": tps,
        "description": "Massa merusak bilik suara di TPS", "people_involved": "Budi, 0812-111",
    }  # fmt: skip
    results = commander.call("POST", "/api/v1/incidents", [incident])["results"]
    assert results == [{"id": incident["id"], "status": "accepted"}]
    row = page.locator(f'#incidents li[data-incident="{incident["id"]}"]')
    expect(row).to_be_visible(timeout=LIVE_WITHIN_MS)
    first = page.locator("#incidents li[data-incident]").first
    assert first.get_attribute("data-incident") == incident["id"]
    assert row.get_attribute("data-escalated") is not None
    expect(page.locator(f'path[data-incident-marker="{incident["id"]}"]')).to_have_count(1)
    screenshot(page, "incident-escalated")
    row.locator("input[name=note]").fill("Tim Polsek Genteng meluncur")
    row.locator('button[data-action="handle"]').click()
    expect(row).to_have_attribute("data-status", "handled")
    assert row.get_attribute("data-escalated") is None
    row.locator("input[name=note]").fill("Situasi aman, bilik diganti")
    row.locator('button[data-action="close"]').click()
    expect(row).to_have_attribute("data-status", "closed")
    assert page.evaluate("window.kawalMarker") == "same page"
    stored = commander.call("GET", "/api/v1/incidents?region=35.10.09")
    mine = next(i for i in stored if i["id"] == incident["id"])
    assert mine["status"] == "closed" and not mine["escalated"]
    assert [(s["action"], s["note"]) for s in mine["steps"][1:]] == [
        ("handle", "Tim Polsek Genteng meluncur"), ("close", "Situasi aman, bilik diganti"),
    ]  # fmt: skip


def test_the_sitrep_page_downloads_the_pdf_and_shows_the_report_as_it_prints(
    login, commander, tmp_path
):
    page = login("komandan")
    page.goto(page.url.split("/region/")[0] + "/sitrep/35.10/")
    page.select_option("select[name=stage]", "voting")
    with page.expect_download() as download:
        page.click("button[data-download=pdf]")
    out = tmp_path / "sitrep-35.10-e2e.pdf"
    download.value.save_as(out)
    assert out.read_bytes().startswith(b"%PDF")
    with page.context.expect_page() as opened:
        page.click("button[value=html]")
    report = opened.value
    report.wait_for_load_state()
    report.set_viewport_size(A4)
    report.emulate_media(media="print")
    expect(report.locator("[data-digest]")).to_have_count(1)
    assert report.locator('table[data-section="strength"] tr.total').count() == 1
    screenshot(report, "sitrep-page")


def test_the_rakor_view_fills_the_projector(login, commander):
    page = login("komandan", viewport=(1920, 1080))
    page.goto(page.url.split("/region/")[0] + "/rakor/35.10/")
    for panel in ("strength", "custody", "overdue", "alerts", "incidents", "readiness"):
        expect(page.locator(f'[data-panel="{panel}"]')).to_be_visible()
    assert page.locator(".rakor-map path[data-region]").count() == 25
    screenshot(page, "rakor")
