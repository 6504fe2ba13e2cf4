"""The box timeline page and the printable QR label sheets."""

from django.test import Client

from kawal.custody import labels, ledger
from kawal.custody.models import Box, CustodyEvent
from kawal.personnel.models import Member
from kawal.territory.models import TPS, Region
from tests.conftest import logged_in, user
from tests.custody.conftest import journey, tamper


def test_the_box_page_shows_every_event_escort_seal_and_the_chain_mark(route):
    ledger.ingest(user("officer"), journey(route))
    page = logged_in("commander").get(f"/boxes/{route.box}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-event=") == 15
    assert 'data-chain="ok"' in html
    assert "KPU-0001, KPU-0002" in html
    polri = Member.objects.get(nrp=route.polri)
    assert polri.name in html and polri.nrp in html


def test_an_observer_sees_the_box_page_with_escort_counts_only(route):
    ledger.ingest(user("officer"), journey(route))
    html = logged_in("observer").get(f"/boxes/{route.box}/").content.decode()
    assert "1 polri, 1 tni" in html
    for member in Member.objects.filter(nrp__in=[route.polri, route.tni]):
        assert member.nrp not in html
        assert member.name not in html


def test_the_box_page_marks_a_broken_chain(route):
    ledger.ingest(user("officer"), journey(route)[:3])
    tamper(route, 2, "UPDATE custody_custodyevent SET note = 'edited'")
    html = logged_in("commander").get(f"/boxes/{route.box}/").content.decode()
    assert 'data-chain="broken"' in html


def test_the_box_page_is_scoped_and_needs_a_login(route):
    assert logged_in("polsek-timur").get(f"/boxes/{route.box}/").status_code == 403
    assert Client().get(f"/boxes/{route.box}/").status_code == 302


def test_a_label_carries_tps_pps_ppk_regency_and_province(route):
    box = Box.objects.select_related("tps__village__parent__parent__parent").get(code=route.box)
    label = labels.label_of(box)
    village = Region.objects.get(code=route.village)
    assert label.text == (
        f"TPS 001 · PPS {village.name} · PPK {village.parent.name} · "
        "Kabupaten Contoh · Jawa Timur"
    )


def test_a_village_sheet_holds_both_boxes_of_every_tps_in_the_village(route):
    boxes = list(labels.sheet_boxes(Region.objects.get(code=route.village)))
    assert len(boxes) == 2 * TPS.objects.filter(village_id=route.village).count()
    assert {b.tps.village_id for b in boxes} == {route.village}


def test_the_label_sheet_is_a_pdf_for_a_village_in_scope(route):
    response = logged_in("polsek-barat").get(f"/labels/{route.village}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_label_sheets_are_scoped(route):
    assert logged_in("polsek-timur").get(f"/labels/{route.village}.pdf").status_code == 403


def test_admin_shows_custody_events_but_cannot_change_or_delete_them(route):
    ledger.ingest(user("officer"), journey(route)[:1])
    stored = CustodyEvent.objects.get(box__code=route.box)
    admin = logged_in("administrator")
    url = f"/admin/custody/custodyevent/{stored.pk}/change/"
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"note": "rewritten"}).status_code == 403
    assert admin.get(f"/admin/custody/custodyevent/{stored.pk}/delete/").status_code == 403
    assert CustodyEvent.objects.get(pk=stored.pk).note == ""


def test_the_box_page_speaks_bahasa_indonesia_first(route):
    ledger.ingest(user("officer"), journey(route)[:9])
    html = logged_in("commander").get(f"/boxes/{route.box}/").content.decode()
    assert "Rantai terverifikasi" in html
    assert "disegel" in html
