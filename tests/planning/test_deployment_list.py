"""The regency-wide deployment list: a workbook with a sheet per Polsek at once, and a PDF
made in the background, a part per Polsek, served when ready."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kawal import paper
from kawal.planning import deployment
from kawal.territory.models import Region
from tests.conftest import logged_in
from tests.pdfs import page_count


@pytest.fixture
def made_here(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(paper, "start", lambda name, parts: paper.make(name, parts))


def test_the_regencys_workbook_has_a_sheet_per_polsek(plan):
    response = logged_in("komandan").get("/plan/35.10/daftar.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 25 and "Gambiran" in book.sheetnames
    assert "POLSEK GAMBIRAN" in book["Gambiran"]["A2"].value


def test_the_regencys_pdf_leads_to_its_page_until_it_is_made(plan, made_here):
    client = logged_in("komandan")
    response = client.get("/plan/35.10/daftar.pdf")
    assert response.status_code == 302 and response["Location"] == "/plan/35.10/daftar/"
    page = client.get("/plan/35.10/daftar/").content.decode()
    assert 'data-state="none"' in page and "Daftar ploting personel" in page


def test_a_list_made_in_the_background_is_served_and_renamed_by_a_replan(plan, made_here):
    client = logged_in("polsek-gambiran")
    client.post("/plan/35.10.07/daftar/")
    district = Region.objects.get(code="35.10.07")
    name = deployment.document_name(plan, district)
    assert paper.progress(name).state == paper.READY
    pdf = b"".join(client.get("/plan/35.10.07/daftar.pdf").streaming_content)
    assert page_count(pdf) >= 1
    plan.changes.create(reason="test", scope="35.10.07", diff=[])
    assert deployment.document_name(plan, district) != name


def test_an_observer_gets_no_deployment_list(plan, made_here):
    client = logged_in("pemantau")
    for path in ("/plan/35.10/daftar.pdf", "/plan/35.10/daftar/", "/plan/35.10/daftar.xlsx"):
        assert client.get(path).status_code == 403
