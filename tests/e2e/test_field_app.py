"""The field phone app in real headless Chromium at 390×844: provisioning from the QR code,
recording offline, surviving a reload and a restart, syncing each record exactly once, a
rejected record's reason, and a handover co-signed by a second phone."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, screenshot
from tests.e2e.field_conftest import (
    api_get,
    command_token,
    in_server,
    launch_phone,
    noisy_bmp,
    phone_options,
)

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


@pytest.fixture
def phones(browser, field_duty, phone_dir):
    """phones(**options): the officer's phone (its storage in phone_dir), closed after the test
    even when it fails, so the next test can open it again."""
    opened = []

    def _open(**options):
        options.setdefault("geolocation", post_position(field_duty))
        opened.append(launch_phone(browser.browser_type, phone_dir, **options))
        return opened[-1]

    yield _open
    for phone in opened:
        phone.close()


@pytest.fixture(scope="module")
def enrolled(browser, desk, server, field_duty, phone_dir):
    """The officer's phone, provisioned by scanning the Polsek's QR code (its URL, opened)."""
    url = issue_device(desk, server, field_duty["officer"])
    phone = launch_phone(browser.browser_type, phone_dir, geolocation=post_position(field_duty))
    try:
        page = phone.pages[0]
        page.goto(url)
        expect(page.locator("body[data-ready=duty] #duty-list article")).to_have_count(1)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        shot(page, "field-duty")
    finally:
        phone.close()
    return url


def shot(page, name: str) -> None:
    """A screenshot for docs/field.md, without the passing "saved" notice over the view."""
    page.locator("#toast").evaluate("toast => { toast.hidden = true; }")
    screenshot(page, name)


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
    phones, enrolled, field_duty, server
):
    assert enrolled.startswith(f"{server}/field/#enrol=")
    phone = phones()
    page = phone.pages[0]
    page.goto(f"{server}/field/")
    page.wait_for_selector("body[data-ready=duty]", state="attached")
    expect(page.locator("#member-name")).to_contain_text(field_duty["officer_name"])
    duty = page.locator("#duty-list article")
    expect(duty).to_contain_text("TPS 001–002")
    expect(duty).to_contain_text(field_duty["receiver_name"])
    expect(duty.locator("a.boxlink")).to_have_count(4)
    phone.close()


def test_a_used_enrolment_code_is_refused_on_another_phone(browser, enrolled, field_duty):
    context = browser.new_context(**phone_options())
    page = context.new_page()
    page.goto(enrolled)
    error = page.locator("#enrol-form [data-error]")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#tabs")).to_be_hidden()
    context.close()


def test_the_app_installs_from_its_manifest_with_a_worker_scoped_to_field(phones, enrolled, server):
    page = phones().pages[0]
    page.goto(f"{server}/field/")
    page.wait_for_selector("body[data-ready=duty]", state="attached")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(f"{server}{href}").json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/field/", "/field/", "standalone",
    )  # fmt: skip
    assert manifest["name"] == "Kawal Lapangan"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert page.request.get(f"{server}{icon['src']}").headers["content-type"] == "image/png"
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{server}/field/"


SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main a, main button, main input, main select, main textarea, main summary, nav a, header button')]
  .filter(el => el.offsetParent !== null && el.type !== 'radio' && el.type !== 'checkbox')
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => el.outerHTML.slice(0, 80))"""


def test_every_view_fits_a_360_px_phone_with_touch_targets_of_44_px(
    phones, enrolled, field_duty, server
):
    phone = phones(viewport={"width": 360, "height": 740})
    page = phone.pages[0]
    page.goto(f"{server}/field/#duty")
    for view in ("#duty", "#checkin", "#box", f"#record/{field_duty['boxes'][0]}", "#cosign",
                 "#incident", "#queue"):  # fmt: skip
        go(page, view)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, view
        assert page.evaluate(SMALL_TARGETS) == [], view
    phone.close()


def test_a_record_the_server_rejects_shows_its_reason_and_is_sent_again_once_fixed(
    phones, enrolled, field_duty, server
):
    phone = phones()
    page = phone.pages[0]
    page.goto(f"{server}/field/#box")
    page.wait_for_selector("body[data-ready=box]", state="attached")
    box = field_duty["boxes"][1]
    record(page, box, "note", "35.10.99.9999", note="Kotak diperiksa di pos")
    go(page, "#queue")
    rejected = page.locator("#queue-list li[data-status=rejected]")
    expect(rejected).to_have_count(1, timeout=15000)
    expect(rejected.locator(".reason")).to_contain_text("35.10.99.9999")
    shot(page, "field-rejected")

    rejected.locator("a.button").click()
    page.wait_for_selector("body[data-ready=record]", state="attached")
    expect(page.locator("#record-form input[name=place]")).to_have_value("35.10.99.9999")
    expect(page.locator("#record-form [name=note]")).to_have_value("Kotak diperiksa di pos")
    page.fill("#record-form input[name=place]", box.rsplit("-", 1)[0])
    page.click("#record-save")
    page.click("#record-save")
    page.wait_for_selector("body[data-ready=box]", state="attached")
    go(page, "#queue")
    fixed = page.locator("#queue-list li").first
    expect(fixed).to_have_attribute("data-status", "synced", timeout=15000)
    # The rejected record stays, marked as fixed, and can't be sent twice.
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text("Sudah diperbaiki")
    expect(rejected.locator("a.button")).to_have_count(0)
    phone.close()


def test_a_synced_event_is_corrected_with_a_correction_event(
    phones, enrolled, field_duty, server, server_env
):
    phone = phones()
    page = phone.pages[0]
    page.goto(f"{server}/field/#box")
    page.wait_for_selector("body[data-ready=box]", state="attached")
    box = field_duty["boxes"][2]
    record(page, box, "note", box.rsplit("-", 1)[0], note="Segel kabel terpasang")
    go(page, "#queue")
    synced = page.locator("#queue-list li").first
    expect(synced).to_have_attribute("data-status", "synced", timeout=15000)
    wrong = synced.get_attribute("data-id")

    synced.locator("a.button").click()
    page.wait_for_selector("body[data-ready=record]", state="attached")
    expect(page.locator("#record-kinds")).to_be_hidden()
    page.click("#record-save")
    expect(page.locator("#record-form [data-error]")).to_be_visible()  # a correction says why
    page.fill("#record-form [name=note]", "Salah kotak: catatan ini untuk kotak GUB")
    page.click("#record-save")
    page.click("#record-save")
    page.wait_for_selector("body[data-ready=box]", state="attached")
    go(page, "#queue")
    expect(page.locator("#queue-list li").first).to_have_attribute(
        "data-status", "synced", timeout=15000
    )
    stored = in_server(server_env, "corrections_of", wrong)
    assert stored == [{"kind": "correction", "note": "Salah kotak: catatan ini untuk kotak GUB"}]


def test_a_handover_co_signed_by_a_second_phone_stores_both_signatures(
    browser, phones, desk, enrolled, field_duty, server, server_env
):
    receiver = browser.new_context(**phone_options(geolocation=post_position(field_duty)))
    their = receiver.new_page()
    their.goto(issue_device(desk, server, field_duty["receiver"]))
    their.wait_for_selector("body[data-ready=duty]", state="attached")
    phone = phones()
    mine = phone.pages[0]
    mine.goto(f"{server}/field/#box")
    mine.wait_for_selector("body[data-ready=box]", state="attached")

    box = field_duty["boxes"][0]
    record(mine, box, "sealed", box.rsplit("-", 1)[0], ("KPU-3510-001", "KPU-3510-002"))
    go(mine, f"#record/{box}")
    mine.check("#record-form input[name=kind][value=handed_over]")
    mine.fill("#record-form input[name=place]", box.rsplit("-", 1)[0])
    mine.fill("#record-form input[name=from_party]", "KPPS TPS 001")
    mine.fill("#record-form input[name=to_party]", "PPS Kepatihan")
    mine.fill("#record-form input[name=seals]", "KPU-3510-001, KPU-3510-099")
    expect(mine.locator("#record-seal-warning")).to_be_visible()
    mine.fill("#record-form input[name=document]", "BA-017/PPS/2024")
    mine.set_input_files(
        "#record-form input[name=photo]",
        {"name": "ba.bmp", "mimeType": "image/bmp", "buffer": noisy_bmp()},
    )
    mine.click("#record-cosign")
    expect(mine.locator("#record-confirm")).to_contain_text("KPU-3510-099")
    shot(mine, "field-record-confirm")
    mine.click("#record-cosign")
    mine.wait_for_selector("body[data-ready=handover]", state="attached")
    shot(mine, "field-handover")

    go(their, "#cosign")
    their.fill("#cosign-form textarea[name=request]", mine.input_value("#handover-request"))
    their.click("#cosign-form button[type=submit]")
    expect(their.locator("#cosign-summary")).to_contain_text("BA-017/PPS/2024")
    their.click("#cosign-sign")
    expect(their.locator("#cosign-qr")).to_be_visible()
    shot(their, "field-cosign")
    mine.fill("#handover-form textarea[name=answer]", their.input_value("#cosign-text"))
    mine.click("#handover-form button[type=submit]")
    mine.wait_for_selector("body[data-ready=queue]", state="attached")
    handover = mine.locator("#queue-list li").first
    expect(handover).to_have_attribute("data-status", "synced", timeout=15000)
    expect(handover.locator(".photo")).to_contain_text("terunggah", timeout=30000)
    event_id = handover.get_attribute("data-id")
    receiver.close()
    phone.close()

    photos = in_server(server_env, "photos_of", [event_id])
    assert len(photos) == 1 and photos[0]["complete"]
    assert photos[0]["total"] <= 200 * 1024
    desk.goto(f"{server}/boxes/{box}/")
    row = desk.locator(f"[data-event='{event_id}']")
    expect(row).to_contain_text(field_duty["officer_name"])
    expect(row).to_contain_text(field_duty["receiver_name"])


def test_english_is_one_tap_away_on_the_phone(phones, enrolled, field_duty, server):
    phone = phones()
    page = phone.pages[0]
    page.goto(f"{server}/field/#duty")
    page.wait_for_selector("body[data-ready=duty]", state="attached")
    expect(page.locator("[data-view=duty] h1")).to_have_text("Tugas saya")
    page.click("button[data-language=en]")
    page.wait_for_selector("html[lang=en] body[data-ready=duty]", state="attached")
    expect(page.locator("[data-view=duty] h1")).to_have_text("My duty")
    page.click("button[data-language=id]")
    page.wait_for_selector("html[lang=id] body[data-ready=duty]", state="attached")
    phone.close()


def test_records_made_offline_survive_a_reload_and_a_restart_and_arrive_exactly_once(
    phones, enrolled, field_duty, server, server_env
):
    before = in_server(server_env, "stored", {"event": [], "checkin": []}, field_duty["boxes"])
    phone = phones()
    page = phone.pages[0]
    page.goto(f"{server}/field/#duty")
    page.wait_for_selector("body[data-ready=duty]", state="attached")
    earlier = {r["id"] for r in queue_rows(page)}  # what the tests above recorded

    def recorded_here():
        return [r for r in queue_rows(page) if r["id"] not in earlier]

    phone.set_offline(True)
    check_in(page)
    for box, kind, place, seals in journey(field_duty):
        record(page, box, kind, place, seals)
    report_incident(page, "Massa berkumpul di depan TPS 001 menolak hasil hitung.", "high")
    report_incident(page, "Pohon tumbang menutup jalan ke PPS.", "medium")
    rows = recorded_here()
    assert len(rows) == 23 and {r["status"] for r in rows} == {"queued"}
    expect(page.locator("#pending-count")).to_have_text("23")
    shot(page, "field-queue-offline")

    page.reload()
    page.wait_for_selector("body[data-ready=queue]", state="attached")
    expect(page.locator("#pending-count")).to_have_text("23")
    phone.close()

    # The app killed and opened again, still with no signal: the shell comes from the cache.
    phone = phones(offline=True)
    page = phone.pages[0]
    response = page.goto(f"{server}/field/#queue")
    assert response.from_service_worker
    page.wait_for_selector("body[data-ready=queue]", state="attached")
    expect(page.locator("#pending-count")).to_have_text("23")
    assert [r["id"] for r in recorded_here()] == [r["id"] for r in rows]

    phone.set_offline(False)
    expect(page.locator("#pending-count")).to_have_text("0", timeout=30000)
    synced = recorded_here()
    assert len(synced) == 23 and {r["status"] for r in synced} == {"synced"}
    shot(page, "field-queue-synced")
    phone.close()

    ids = {kind: [r["id"] for r in rows if r["type"] == kind] for kind in ("event", "checkin")}
    counts = in_server(server_env, "stored", ids, field_duty["boxes"])
    assert counts == {"event": 20, "checkin": 1, "box_events": before["box_events"] + 20}
    incidents = api_get(server, command_token(server_env), "/api/v1/incidents?region=35.10.16")
    ours = {r["id"] for r in rows if r["type"] == "incident"}
    assert sum(1 for i in incidents if i["id"] in ours) == 2


def test_a_revoked_phone_stops_sending_and_keeps_its_records(
    phones, desk, enrolled, field_duty, server
):
    desk.goto(f"{server}/field/devices/")
    row = desk.locator("#device-list tbody tr", has_text=field_duty["officer"]).filter(
        has=desk.locator("button")
    )
    row.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")

    phone = phones()
    page = phone.pages[0]
    page.goto(f"{server}/field/#duty")
    page.wait_for_selector("body[data-ready=duty]", state="attached")
    expect(page.locator("#revoked")).to_be_visible(timeout=15000)
    before = int(page.locator("#pending-count").inner_text())
    check_in(page)
    expect(page.locator("#queue-list li").first).to_have_attribute("data-status", "queued")
    expect(page.locator("#pending-count")).to_have_text(str(before + 1))
    shot(page, "field-revoked")
    phone.close()
