"""The command center in real headless Chromium, fed through the real custody API."""

import json
import re
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, screenshot

pytestmark = pytest.mark.e2e

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2024, 11, 23, 8, tzinfo=WIB)
LIVE_WITHIN_MS = 10_000


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None):
        request = Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def post_events(self, events: list[dict]) -> None:
        for i in range(0, len(events), 1000):
            results = self.call("POST", "/api/v1/custody/events", events[i : i + 1000])["results"]
            assert {r["status"] for r in results} == {"accepted"}, results[:3]

    def first_tps(self, region: str, n: int = 1) -> list[str]:
        """The first n TPS codes of a district, read through the status API."""
        villages = self.call("GET", f"/api/v1/status?region={region}")["children"]
        codes: list[str] = []
        for village in villages:
            tps = self.call("GET", f"/api/v1/status?region={village['code']}")["children"]
            codes.extend(t["code"] for t in tps)
            if len(codes) >= n:
                return codes[:n]
        return codes


@pytest.fixture(scope="session")
def api(server, server_env) -> Api:
    token = subprocess.run(
        [sys.executable, "-m", "kawal.cli", "token", "create", "komandan"],
        env=server_env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    return Api(server, token)


def _event(box: str, kind: str, at: datetime, place: str, **extra) -> dict:
    return {"id": str(uuid.uuid4()), "box": box, "kind": kind, "occurred_at": at.isoformat(),
            "place": place, **extra}


def journey(box: str, escorts: list[str], steps: int, start: datetime) -> list[dict]:
    """The first `steps` events of a box's custody, KPU warehouse → TPS → back to KPU."""
    tps = box.rsplit("-", 1)[0]
    village, district, regency = tps.split("-")[0], tps[:8], tps[:5]
    walk = [
        ("departed", regency), ("arrived", district), ("departed", district), ("arrived", village),
        ("departed", village), ("arrived", tps), ("opened", tps), ("sealed", tps),
        ("departed", tps), ("arrived", village), ("departed", village), ("arrived", district),
        ("departed", district), ("arrived", regency),
    ]
    events = []
    for i, (kind, place) in enumerate(walk[:steps]):
        extra = {"escorts": escorts} if kind == "departed" else {}
        if kind == "sealed" or kind == "arrived" and i > 7:
            extra["seals"] = [f"S-{box}-1"]
        events.append(_event(box, kind, start + timedelta(hours=6 * i), place, **extra))
    return events


@pytest.fixture(scope="session")
def night(api) -> dict:
    """Election night under way: boxes at every point of the chain, and escort alerts."""
    members = api.call("GET", "/api/v1/personnel?region=35.10")
    escorts = [next(m["nrp"] for m in members if m["force"] == "polri")]
    events: list[dict] = []
    # District by district, further along the further south-west it is: the map shows a gradient.
    for d in range(1, 26):
        district = f"35.10.{d:02d}"
        steps = (6, 8, 12, 14)[d % 4]
        for code in api.first_tps(district, 6 + d % 5) if d != 7 else ():
            for contest in ("BUP", "GUB"):
                events += journey(f"{code}-{contest}", escorts, steps, START)
    # Gambiran, the smallest district, has every box back at the KPU.
    for code in api.first_tps("35.10.07", 200):
        for contest in ("BUP", "GUB"):
            events += journey(f"{code}-{contest}", escorts, 14, START)
    api.post_events(events)
    alarmed = []
    for district in ("35.10.04", "35.10.15", "35.10.22"):
        code = api.first_tps(district, 40)[-1]
        api.post_events([_event(f"{code}-BUP", "departed", START, district[:5])])
        alarmed.append(district)
    return {"escorts": escorts, "alarmed": alarmed}


def _no_reload_marker(page) -> None:
    page.evaluate("window.kawalMarker = 'same page'")


def _same_page(page) -> bool:
    return page.evaluate("window.kawalMarker") == "same page"


def test_the_overview_maps_25_districts_with_progress_alerts_and_the_stage_bar(login, night):
    page = login("komandan")
    assert page.url.endswith("/region/35.10/")
    assert page.locator("figure.map svg path[data-region]").count() == 25
    for district in night["alarmed"]:
        expect(page.locator(f'path[data-region="{district}"]')).to_have_class(re.compile(r"\balarm\b"))
    # Gambiran's boxes are all back at the KPU, the stage's milestone now the operation is over.
    expect(page.locator('path[data-region="35.10.07"]')).to_have_class("band-5")
    assert page.locator(".stagebar li.current").count() == 1
    assert page.locator(".stagebar line.now").count() == 1
    assert page.locator("#alerts li[data-alert]").count() >= 3
    assert page.locator('[data-chart="timeline"] polyline').count() >= 25
    expect(page.locator("#updated")).to_be_visible()
    screenshot(page, "command-overview")


def test_clicking_a_district_drills_down_to_villages_then_tps(login, night):
    page = login("komandan")
    page.locator('path[data-region="35.10.01"]').click()
    page.wait_for_url("**/region/35.10.01/")
    villages = page.locator("figure.map svg path[data-region^='35.10.01.']")
    assert villages.count() == page.locator("#children tr[data-region]").count() == 5
    page.locator('path[data-region="35.10.01.2001"]').click()
    page.wait_for_url("**/region/35.10.01.2001/")
    points = page.locator("figure.map circle[data-tps]")
    assert points.count() > 0
    points.first.click()
    page.wait_for_url("**/tps/35.10.01.2001-*/")
    assert page.locator("#boxes tr[data-box]").count() == 2
    box = page.locator("#boxes tr[data-box]").first.get_attribute("data-box")
    page.locator(f'#boxes a[href="/boxes/{box}/"]').click()
    page.wait_for_url(f"**/boxes/{box}/")
    assert box in page.content()


def test_a_custody_event_posted_through_the_api_appears_on_the_open_page(login, api, night):
    page = login("komandan")
    page.goto(page.url.split("/region/")[0] + "/region/35.10.13/")
    _no_reload_marker(page)
    box = api.first_tps("35.10.13", 30)[-1] + "-GUB"
    escort_alert = page.locator(f'#alerts li[data-rule=escort] a[href="/boxes/{box}/"]')
    assert escort_alert.count() == 0
    # No escort and no GPS fix: the critical escort alert (beside the low missing-GPS one).
    api.post_events([_event(box, "departed", START, "35.10")])
    expect(escort_alert).to_be_visible(timeout=LIVE_WITHIN_MS)
    assert _same_page(page)


def test_acknowledging_an_alert_in_the_page_changes_it_in_the_database(login, api, night):
    page = login("komandan")
    page.goto(page.url.split("/region/")[0] + "/region/35.10.15/")
    alert = page.locator("#alerts li[data-status=open]").first
    alert_id = alert.get_attribute("data-alert")
    alert.locator("input[name=note]").fill("Kapolsek Glagah sends an escort")
    alert.locator("button[value=acknowledge]").click()
    row = page.locator(f'li[data-alert="{alert_id}"]')
    expect(row).to_have_attribute("data-status", "acknowledged")
    box = row.locator(".head a").inner_text()
    stored = {a["id"]: a for a in api.call("GET", f"/api/v1/alerts?box={box}")}
    assert stored[int(alert_id)]["status"] == "acknowledged"
    assert "Kapolsek Glagah sends an escort" in stored[int(alert_id)]["note"]


def test_a_polsek_user_sees_only_their_district(login, night):
    page = login("polsek-pesanggaran")
    assert page.url.endswith("/region/35.10.01/")
    codes = page.locator("figure.map svg path[data-region]").evaluate_all(
        "paths => paths.map(p => p.dataset.region)"
    )
    assert codes and all(c.startswith("35.10.01.") for c in codes)
    assert page.locator("#children tr[data-region]").count() == len(codes)
    response = page.goto(page.url.split("/region/")[0] + "/region/35.10/")
    assert response.status == 403


def test_the_last_updated_time_turns_red_when_the_connection_is_lost(login, night):
    page = login("komandan")
    label = page.locator("#updated")
    expect(label).not_to_have_class("updated stale")
    page.route("**/live/**", lambda route: route.abort())
    expect(label).to_have_class("updated stale", timeout=25_000)
    page.unroute("**/live/**")
    expect(label).to_have_class("updated", timeout=LIVE_WITHIN_MS)


def test_the_wall_screen_cycles_through_districts_with_open_alerts(login, night):
    page = login("komandan", viewport=(1920, 1080))
    page.goto(page.url.split("/region/")[0] + "/wall/35.10/")
    focus = page.locator("[data-wall-focus]")
    first = focus.get_attribute("data-wall-focus")
    assert first in night["alarmed"] + ["35.10.13"]
    screenshot(page, "command-wall")
    expect(focus).not_to_have_attribute("data-wall-focus", first, timeout=15_000)
    assert page.locator(f'path[data-region="{focus.get_attribute("data-wall-focus")}"].focus').count() == 1
