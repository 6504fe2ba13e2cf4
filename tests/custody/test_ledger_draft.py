"""A batch worked out before its transaction is kept only if its boxes are still as read."""

from kawal.custody import ledger
from kawal.custody.models import Box, CustodyEvent
from kawal.custody.verification import verify
from tests.conftest import user
from tests.custody.conftest import journey


def _drafts(monkeypatch) -> list[int]:
    """Count the times a batch is worked out."""
    calls = []
    real = ledger._draft

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger, "_draft", counted)
    return calls


def test_a_batch_whose_boxes_did_not_move_is_worked_out_once(route, monkeypatch):
    calls = _drafts(monkeypatch)
    events = journey(route)[: ledger.DRAFT_FROM]
    results = ledger.ingest(user("officer"), events)
    assert {r["status"] for r in results} == {"accepted"}
    assert len(calls) == 1
    assert Box.objects.get(code=route.box).head_seq == ledger.DRAFT_FROM


def test_a_box_another_writer_moved_meanwhile_is_worked_out_again_under_the_lock(
    route, monkeypatch
):
    events = journey(route)
    first, batch = events[:1], events[1 : 1 + ledger.DRAFT_FROM]
    real_boxes = ledger._boxes
    raced = []

    def another_writer_first(codes, *, lock=False):
        # Between the draft and the lock, another phone appends to the same box.
        if lock and not raced:
            raced.append(1)
            ledger.ingest(user("officer"), first)
        return real_boxes(codes, lock=lock)

    monkeypatch.setattr(ledger, "_boxes", another_writer_first)
    calls = _drafts(monkeypatch)
    results = ledger.ingest(user("officer"), batch)
    assert {r["status"] for r in results} == {"accepted"}
    assert len(calls) == 3  # the draft, the other writer's own batch, and the batch again
    stored = CustodyEvent.objects.filter(box__code=route.box).order_by("seq")
    assert str(stored[0].id) == first[0]["id"]  # the other writer's event came first
    assert list(stored.values_list("seq", flat=True)) == list(range(1, 2 + ledger.DRAFT_FROM))
    assert verify(route.regency).ok
