"""The Django admin names Kawal's models and their fields in Bahasa Indonesia."""

from tests.conftest import logged_in


def test_the_admin_index_names_the_apps_and_models_in_indonesian(small):
    html = logged_in("administrator").get("/admin/").content.decode().lower()
    for words in ("pengawalan kotak suara", "kejadian pengawalan", "peringatan",
                  "rencana pengerahan", "personel", "pemberian peran"):
        assert words in html, words
    for english in ("custody events", "alerts", "plans", "role grants"):
        assert english not in html, english


def test_an_admin_list_heads_its_columns_in_indonesian(small):
    html = logged_in("administrator").get("/admin/territory/tps/").content.decode()
    for words in ("Kode", "Desa/kelurahan", "Pemilih", "Kerawanan", "Alamat"):
        assert words in html, words
    assert "Village" not in html and "Voters" not in html


def test_an_admin_form_labels_its_fields_in_indonesian(small):
    html = logged_in("administrator").get("/admin/territory/tps/add/").content.decode()
    for words in ("Desa/kelurahan", "Nomor", "Alamat", "Kerawanan", "Lintang", "Bujur"):
        assert words in html, words


def test_the_incident_form_in_the_admin_is_in_indonesian(small):
    html = logged_in("administrator").get("/admin/incidents/incident/add/").content.decode()
    for words in ("Tambahkan kejadian", "Kategori", "Tingkat bahaya", "Uraian", "Orang yang terlibat"):
        assert words in html, words
    assert "People involved" not in html
