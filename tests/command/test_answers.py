"""Pages that answer properly: a styled 403 and 404 in the reader's language, an unknown
region is not found (not refused), and a single-regency deployment has no country page."""

from django.test import Client

from kawal.custody.models import Box
from tests.conftest import logged_in


def test_a_page_outside_the_role_is_refused_with_a_styled_indonesian_page(demo):
    response = logged_in("polsek-pesanggaran").get("/region/35.10/")
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-answer="403"' in html and 'class="topbar"' in html
    assert "Halaman ini bukan untuk peran atau wilayah Anda" in html
    assert "Forbidden" not in html


def test_an_unknown_region_is_not_found_whoever_asks(demo):
    for username, path in (
        ("komandan", "/region/35.10.99/"),
        ("polsek-pesanggaran", "/region/35.10.99/"),
        ("polsek-pesanggaran", "/region/99.99/"),
        ("polsek-pesanggaran", "/wall/99.99/"),
        ("polsek-pesanggaran", "/plan/99.99/"),
        ("polsek-kabat", "/tps/35.10.01.2001-999/"),
        ("polsek-kabat", "/boxes/35.10.01.2001-999-BUP/"),
        ("polsek-kabat", "/labels/35.10.99.pdf"),
    ):
        response = logged_in(username).get(path)
        assert response.status_code == 404, (username, path)
        assert 'data-answer="404"' in response.content.decode()


def test_a_known_box_outside_the_scope_is_still_refused(demo):
    box = Box.objects.filter(code__startswith="35.10.01.").first()
    assert logged_in("polsek-kabat").get(f"/boxes/{box.code}/").status_code == 403


def test_the_not_found_page_names_the_address_and_offers_the_search(demo):
    html = logged_in("komandan").get("/region/35.10.99/").content.decode()
    assert "Tidak ditemukan" in html and "<code>/region/35.10.99/</code>" in html
    assert 'role="search"' in html


def test_the_not_found_page_is_in_english_for_a_reader_who_chose_english(demo):
    client = logged_in("komandan")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/region/35.10.99/").content.decode()
    assert "Not found" in html and "Tidak ditemukan" not in html


def test_an_anonymous_visitor_is_sent_to_log_in_not_shown_an_error(demo):
    response = Client().get("/region/35.10.99/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_single_regency_deployment_goes_straight_to_its_regency_not_a_country_page(demo):
    client = logged_in("komandan")
    response = client.get("/national/")
    assert response.status_code == 302 and response["Location"] == "/region/35.10/"
    assert client.get("/national/live/")["Location"] == "/region/35.10/live/"
