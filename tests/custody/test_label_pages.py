"""A regency's box labels, made in the background with their progress shown, and served
when ready; a village's or district's made at once."""

import math

import pytest
from django.db.models import Count

from kawal import paper
from kawal.territory.models import TPS
from tests.conftest import logged_in
from tests.pdfs import page_count


@pytest.fixture
def made_here(settings, tmp_path, monkeypatch):
    """Documents under a temporary data directory, made in the test's own thread (its
    transaction), where the pages would start a thread of their own."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(paper, "start", lambda name, parts: paper.make(name, parts))


def test_the_regencys_labels_lead_to_their_page_until_they_are_made(demo, made_here):
    client = logged_in("komandan")
    response = client.get("/labels/35.10.pdf")
    assert response.status_code == 302 and response["Location"] == "/labels/35.10/"
    page = client.get("/labels/35.10/").content.decode()
    assert 'data-state="none"' in page and "data-make" in page and "Label kotak" in page


def test_a_districts_labels_are_made_on_their_page_then_downloaded(demo, made_here):
    client = logged_in("polsek-gambiran")
    response = client.post("/labels/35.10.07/")
    assert response.status_code == 302
    page = client.get("/labels/35.10.07/").content.decode()
    assert 'data-state="ready"' in page and 'href="/labels/35.10.07.pdf"' in page
    pdf = b"".join(client.get("/labels/35.10.07.pdf").streaming_content)
    # Each village's labels start on a page of their own, 18 to a page, two boxes per TPS.
    villages = TPS.objects.filter(village__parent_id="35.10.07").values("village").annotate(n=Count("id"))
    assert page_count(pdf) == sum(math.ceil(2 * v["n"] / 18) for v in villages)


def test_the_progress_part_says_how_far_a_document_got(demo, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    paper._write("label-kotak-35.10", paper.Progress(paper.RUNNING, 7, 26))
    part = logged_in("komandan").get("/labels/35.10/progress/").content.decode()
    assert 'data-state="running"' in part and 'hx-trigger="every 2s"' in part
    assert "7 dari 26 langkah" in part and "(26%)" in part


def test_label_pages_are_scoped(demo, made_here):
    assert logged_in("polsek-kabat").get("/labels/35.10.07/").status_code == 403
    assert logged_in("polsek-kabat").post("/labels/35.10.07/").status_code == 403
    assert logged_in("komandan").get("/labels/35.10.07.2001/").status_code == 404
