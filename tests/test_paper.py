"""Documents made in the background (kawal/paper.py): made part by part into one PDF, with
a state that says how far it got, one maker at a time."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from weasyprint import HTML

from kawal import paper
from tests.pdfs import page_count


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _part(text: str):
    return lambda: HTML(string=f"<p>{text}</p>").render()


def test_a_document_nobody_asked_for_has_no_state():
    assert paper.progress("label-kotak-35.10").state == paper.NONE
    assert paper.ready_file("label-kotak-35.10") is None


def test_making_a_document_joins_its_parts_into_one_pdf_and_says_it_is_ready():
    done = paper.make("doc", [_part("Pesanggaran"), _part("Siliragung"), _part("Bangorejo")])
    assert (done.state, done.done, done.total) == (paper.READY, 4, 4)
    pdf = paper.ready_file("doc").read_bytes()
    assert pdf.startswith(b"%PDF") and page_count(pdf) == 3
    assert paper.progress("doc").state == paper.READY and paper.progress("doc").percent == 100


def test_a_part_that_fails_leaves_the_document_failed_with_the_reason():
    def broken():
        raise ValueError("no boxes in 35.10.99")

    done = paper.make("doc", [_part("a"), broken])
    assert done.state == paper.FAILED and "no boxes in 35.10.99" in done.error
    assert paper.ready_file("doc") is None


def test_progress_counts_the_parts_made_so_far(data_dir):
    seen = []

    def watching():
        seen.append(paper.progress("doc"))
        return HTML(string="<p>b</p>").render()

    paper.make("doc", [_part("a"), watching])
    assert (seen[0].state, seen[0].done, seen[0].total) == (paper.RUNNING, 1, 3)


def test_a_document_being_made_is_not_started_twice(data_dir):
    (data_dir / "documents").mkdir()
    (data_dir / "documents" / "doc.lock").touch()
    (data_dir / "documents" / "doc.json").write_text(json.dumps(
        {"state": "running", "done": 1, "total": 5, "updated_at": timezone.now().isoformat()}
    ))  # fmt: skip
    started = paper.start("doc", [_part("a")])
    assert (started.state, started.done) == (paper.RUNNING, 1)


def test_a_maker_silent_for_too_long_is_taken_for_stopped(data_dir):
    (data_dir / "documents").mkdir()
    then = timezone.now() - paper.STALLED - timedelta(minutes=1)
    (data_dir / "documents" / "doc.json").write_text(json.dumps(
        {"state": "running", "done": 2, "total": 5, "updated_at": then.isoformat()}
    ))  # fmt: skip
    assert paper.progress("doc").state == paper.FAILED
    assert "stopped" in paper.progress("doc").error
