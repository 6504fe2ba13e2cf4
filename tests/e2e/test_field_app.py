"""The field phone app in real headless Chromium at 390×844: provisioning from the QR code,
recording offline, surviving a reload and a restart, syncing each record exactly once, a
rejected record's reason, and a handover co-signed by a second phone."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, screenshot
from tests.e2e.field_conftest import in_server, launch_phone

pytestmark = pytest.mark.e2e

SECTOR_USER = "polsek-banyuwangi"
REGENCY = "35.10"
DOCS_IMG = ROOT / "docs" / "img"


@pytest.fixture(scope="module")
def field_duty(server, server_env):
    duty = in_server(server_env, "plan_field_duty")
    yield duty
    in_server(server_env, "restore_stages", duty["stages"])


@pytest.fixture(scope="module")
def desk(browser, server):
    """The Polsek's desk computer, logged in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/login/")
    page.fill("input[name=username]", SECTOR_USER)
    page.fill("input[name=password]", "kawal-demo")
    page.click("section.login button[type=submit]")
    page.wait_for_load_state("networkidle")
    yield page
    context.close()


def issue_device(desk, server: str, nrp: str) -> str:
    """Issue a device on /field/devices/; the QR code's URL is what a phone camera opens."""
    desk.goto(f"{server}/field/devices/")
    desk.fill("input[name=nrp]", nrp)
    desk.select_option("select[name=region]", "35.10.16")
    desk.click("form.plan-form button[type=submit]")
    return desk.locator("[data-enrol-url]").get_attribute("data-enrol-url")


def post_position(duty: dict) -> dict:
    return {"latitude": duty["post"][0], "longitude": duty["post"][1], "accuracy": 8}


@pytest.fixture(scope="module")
def phone_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("phone")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def enrolled(browser, desk, server, field_duty, phone_dir):
    """The officer's phone, provisioned by scanning the Polsek's QR code (its URL, opened)."""
    url = issue_device(desk, server, field_duty["officer"])
    phone = launch_phone(browser.browser_type, phone_dir, geolocation=post_position(field_duty))
    page = phone.pages[0]
    page.goto(url)
    expect(page.locator("body[data-ready=duty] #duty-list article")).to_have_count(1)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    screenshot(page, "field-duty")
    phone.close()
    return url


def go(page, fragment: str) -> None:
    page.evaluate("f => { location.hash = f; }", fragment)
    view = fragment.lstrip("#").split("/")[0].split("?")[0]
    page.wait_for_selector(f"body[data-ready={view}]", state="attached")


def check_in(page) -> None:
    go(page, "#checkin")
    page.click("#checkin-form button[type=submit]")
    page.wait_for_selector("body[data-ready=queue]", state="attached")


def record(page, box: str, kind: str, place: str, seals: tuple[str, ...] = (), **fields) -> None:
    go(page, f"#record/{box}")
    page.check(f"#record-form input[name=kind][value={kind}]")
    page.fill("#record-form input[name=place]", place)
    page.fill("#record-form input[name=seals]", ", ".join(seals))
    for name, value in fields.items():
        page.fill(f"#record-form [name={name}]", value)
    page.click("#record-save")
    expect(page.locator("#record-confirm")).to_be_visible()
    page.click("#record-save")
    page.wait_for_selector("body[data-ready=box]", state="attached")


def report_incident(page, description: str, severity: str) -> None:
    go(page, "#incident")
    page.select_option("#incident-form select[name=category]", "disturbance")
    page.check(f"#incident-form input[name=severity][value={severity}]")
    page.fill("#incident-form textarea[name=description]", description)
    page.click("#incident-form button[type=submit]")
    page.wait_for_selector("body[data-ready=queue]", state="attached")


def queue_rows(page) -> list[dict]:
    go(page, "#queue")
    return page.eval_on_selector_all(
        "#queue-list li",
        "rows => rows.map(r => ({id: r.dataset.id, type: r.dataset.type, status: r.dataset.status,"
        " reason: r.querySelector('.reason')?.textContent ?? ''}))",
    )


def journey(duty: dict):
    """Five events for each of the TPS post's four boxes: 20 in all."""
    for i, box in enumerate(duty["boxes"]):
        tps = box.rsplit("-", 1)[0]
        seals = (f"KPU-3510-{i}01", f"KPU-3510-{i}02")
        yield box, "departed", REGENCY, ()
        yield box, "arrived", tps, ()
        yield box, "opened", tps, ()
        yield box, "sealed", tps, seals
        yield box, "seal_checked", tps, seals


def test_a_phone_provisioned_from_the_qr_code_shows_its_officer_and_duty(
    browser, enrolled, field_duty, phone_dir, server
):
    assert enrolled.startswith(f"{server}/field/#enrol=")
    phone = launch_phone(browser.browser_type, phone_dir, geolocation=post_position(field_duty))
    page = phone.pages[0]
    page.goto(f"{server}/field/")
    page.wait_for_selector("body[data-ready=duty]", state="attached")
    expect(page.locator("#member-name")).to_contain_text(field_duty["officer_name"])
    duty = page.locator("#duty-list article")
    expect(duty).to_contain_text("TPS 001–002")
    expect(duty).to_contain_text(field_duty["receiver_name"])
    expect(duty.locator("a.boxlink")).to_have_count(4)
    phone.close()


def test_records_made_offline_survive_a_reload_and_a_restart_and_arrive_exactly_once(
    browser, enrolled, field_duty, phone_dir, server, server_env
):
    phone = launch_phone(browser.browser_type, phone_dir, geolocation=post_position(field_duty))
    page = phone.pages[0]
    page.goto(f"{server}/field/#duty")
    page.wait_for_selector("body[data-ready=duty]", state="attached")
    phone.set_offline(True)
    check_in(page)
    for box, kind, place, seals in journey(field_duty):
        record(page, box, kind, place, seals)
    report_incident(page, "Massa berkumpul di depan TPS 001 menolak hasil hitung.", "high")
    report_incident(page, "Pohon tumbang menutup jalan ke PPS.", "medium")
    rows = queue_rows(page)
    assert len(rows) == 23 and {r["status"] for r in rows} == {"queued"}
    expect(page.locator("#pending-count")).to_have_text("23")
    screenshot(page, "field-queue-offline")

    page.reload()
    page.wait_for_selector("body[data-ready=queue]", state="attached")
    expect(page.locator("#pending-count")).to_have_text("23")
    phone.close()

    # The app killed and opened again, still with no signal: the shell comes from the cache.
    phone = launch_phone(
        browser.browser_type, phone_dir, geolocation=post_position(field_duty), offline=True
    )
    page = phone.pages[0]
    response = page.goto(f"{server}/field/#queue")
    assert response.from_service_worker
    page.wait_for_selector("body[data-ready=queue]", state="attached")
    expect(page.locator("#pending-count")).to_have_text("23")
    assert [r["id"] for r in queue_rows(page)] == [r["id"] for r in rows]

    phone.set_offline(False)
    expect(page.locator("#pending-count")).to_have_text("0", timeout=30000)
    synced = queue_rows(page)
    assert len(synced) == 23 and {r["status"] for r in synced} == {"synced"}
    screenshot(page, "field-queue-synced")
    phone.close()

    ids = {
        kind: [r["id"] for r in rows if r["type"] == kind]
        for kind in ("event", "checkin", "incident")
    }
    counts = in_server(server_env, "stored", ids, field_duty["boxes"])
    assert counts == {"event": 20, "checkin": 1, "incident": 2, "box_events": 20}
