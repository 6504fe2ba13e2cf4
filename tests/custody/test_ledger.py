"""The ledger appends device batches to each box's chain, idempotently, one event at a time."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kawal.accounts.models import AuditEntry
from kawal.batches import BatchError
from kawal.custody import columns, ledger
from kawal.custody.models import Box, CustodyEvent
from kawal.operations.models import CustodyRules
from tests.conftest import user
from tests.custody.conftest import START, event, journey, route_of
from tests.factories import HOME, OTHER


def _statuses(results):
    return [r["status"] for r in results]


def test_a_whole_journey_is_accepted_and_moves_the_box_to_the_kpu(route):
    results = ledger.ingest(user("officer"), journey(route))
    assert set(_statuses(results)) == {"accepted"}
    box = Box.objects.get(code=route.box)
    assert box.state == Box.State.AT_KPU
    assert box.head_seq == 15
    assert list(box.events.values_list("seq", flat=True)) == list(range(1, 16))


def test_each_event_links_to_the_hash_before_it(route):
    ledger.ingest(user("officer"), journey(route)[:3])
    events = list(CustodyEvent.objects.filter(box__code=route.box).order_by("seq"))
    assert events[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert Box.objects.get(code=route.box).head_hash == events[-1].hash


def test_the_same_event_sent_twice_is_a_duplicate_stored_once(route):
    batch = journey(route)[:2]
    ledger.ingest(user("officer"), batch)
    again = ledger.ingest(user("officer"), [batch[1], batch[0]])
    assert _statuses(again) == ["duplicate", "duplicate"]
    assert CustodyEvent.objects.filter(box__code=route.box).count() == 2


def test_a_duplicate_within_one_batch_is_stored_once(route):
    first = journey(route)[0]
    results = ledger.ingest(user("officer"), [first, dict(first)])
    assert _statuses(results) == ["accepted", "duplicate"]
    assert CustodyEvent.objects.filter(box__code=route.box).count() == 1


def test_the_same_id_with_other_content_is_rejected_as_a_conflict(route):
    first = journey(route)[0]
    ledger.ingest(user("officer"), [first])
    changed = {**first, "note": "changed afterwards"}
    [result] = ledger.ingest(user("officer"), [changed])
    assert result["status"] == "rejected"
    assert "conflict" in result["error"]


def test_an_id_stored_in_another_regency_is_a_conflict_too(route):
    """Ids are looked for in the batch's own regencies first (the shard key, docs/deploy.md);
    an id stored in another regency's box is still found, and refused."""
    from kawal.accounts.models import RoleGrant
    from kawal.territory.models import Region

    elsewhere = Region.objects.create(
        code="35.98", name="Kabupaten Lain", level="kabupaten", lat=-8.0, lng=114.0, boundary=""
    )
    box = Box.objects.create(code="35.98.01.2001-001-BUP")
    RoleGrant.objects.create(user=user("commander"), role="command", region=elsewhere)
    first = {**event(route, "note", START, "35.98", note="stored over there"), "box": box.code}
    assert _statuses(ledger.ingest(user("commander"), [first])) == ["accepted"]
    [result] = ledger.ingest(user("officer"), [{**first, "box": route.box, "place": HOME}])
    assert result["status"] == "rejected"
    assert "conflict" in result["error"]
    assert CustodyEvent.objects.filter(id=first["id"]).get().box == box


def test_the_same_instant_in_another_offset_is_still_a_duplicate(route):
    first = journey(route)[0]
    ledger.ingest(user("officer"), [first])
    utc = {**first, "occurred_at": START.astimezone(UTC).isoformat()}
    assert _statuses(ledger.ingest(user("officer"), [utc])) == ["duplicate"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"box": "35.09.01.2001-999-BUP"}, "unknown box 35.09.01.2001-999-BUP"),
        ({"escorts": ["00000000"]}, "unknown escort NRP 00000000"),
        ({"place": "35.09.99"}, "unknown place 35.09.99"),
        (
            {"corrects": str(uuid.uuid4()), "kind": "correction", "note": "wrong box"},
            "no such event",
        ),
    ],
)
def test_an_event_naming_what_is_not_stored_is_rejected_with_a_message(route, change, error):
    bad = {**journey(route)[0], **change}
    [result] = ledger.ingest(user("officer"), [bad])
    assert result["status"] == "rejected"
    assert error in result["error"]


def test_an_event_that_does_not_parse_is_rejected_naming_the_field(route):
    bad = journey(route)[0]
    del bad["place"]
    [result] = ledger.ingest(user("officer"), [bad])
    assert result["error"] == "place is required"


def test_one_bad_event_does_not_sink_the_good_ones(route):
    good = journey(route)[:3]
    bad = {**good[1], "id": str(uuid.uuid4()), "box": "35.09.01.2001-999-BUP"}
    results = ledger.ingest(user("officer"), [good[0], bad, good[1], good[2]])
    assert _statuses(results) == ["accepted", "rejected", "accepted", "accepted"]
    assert [r["id"] for r in results] == [good[0]["id"], bad["id"], good[1]["id"], good[2]["id"]]
    assert CustodyEvent.objects.filter(box__code=route.box).count() == 3


def test_a_box_outside_the_callers_scope_is_rejected(route, small):
    outside = small.boxes_in(OTHER)[0]
    bad = {**journey(route)[0], "box": outside.code}
    [result] = ledger.ingest(user("officer"), [bad])
    assert result == {
        "id": bad["id"],
        "status": "rejected",
        "error": f"box {outside.code} is outside your scope",
    }


def test_a_box_outside_the_scope_is_refused_for_that_before_its_operations_rules(route, small):
    """Signatures are checked before the ledger's transaction; a box outside the caller's
    scope still gets the scope's refusal, and nothing of what its operation requires."""
    CustodyRules.objects.update(require_signatures=True)
    outside = small.boxes_in(OTHER)[0]
    bad = {**journey(route)[0], "box": outside.code}
    [result] = ledger.ingest(user("officer"), [bad])
    assert result["error"] == f"box {outside.code} is outside your scope"


def test_an_observer_may_not_record_custody(route):
    with pytest.raises(PermissionDenied):
        ledger.ingest(user("observer"), journey(route)[:1])
    assert not CustodyEvent.objects.filter(box__code=route.box).exists()


def test_a_body_that_is_not_an_array_of_objects_is_refused_whole(route):
    with pytest.raises(BatchError):
        ledger.ingest(user("officer"), [journey(route)[0], "not an event"])
    with pytest.raises(BatchError):
        ledger.ingest(user("officer"), {"events": []})
    assert not CustodyEvent.objects.filter(box__code=route.box).exists()


def test_a_batch_is_audited_once(route):
    before = AuditEntry.objects.filter(action="custody.ingest").count()
    ledger.ingest(user("officer"), journey(route))
    entry = AuditEntry.objects.filter(action="custody.ingest").first()
    assert AuditEntry.objects.filter(action="custody.ingest").count() == before + 1
    assert entry.actor.username == "officer"
    assert entry.details["accepted"] == 15


def test_a_batch_costs_the_same_queries_however_many_events_it_holds(route, small, monkeypatch):
    monkeypatch.setattr(ledger, "DRAFT_FROM", 1)  # both worked out before the transaction
    boxes = small.boxes_in(HOME)

    def batch(n):
        return [e for b in boxes[:n] for e in journey(route_of(b, route.polri, route.tni))[:4]]

    with CaptureQueriesContext(connection) as two_boxes:
        ledger.ingest(user("officer"), batch(2))
    with CaptureQueriesContext(connection) as all_boxes:
        ledger.ingest(user("officer"), batch(len(boxes))[8:])
    assert len(boxes) >= 10 and len(all_boxes) == len(two_boxes)
    assert CustodyEvent.objects.filter(box__in=boxes).count() == 4 * len(boxes)


def test_a_correction_retracts_the_event_it_points_at(route):
    events = journey(route)[:2]
    wrong = event(route, "arrived", START + timedelta(hours=3), route.village)
    ledger.ingest(user("officer"), [*events[:1], wrong])
    assert Box.objects.get(code=route.box).state == Box.State.AT_PPS
    fix = event(
        route,
        "correction",
        START + timedelta(hours=4),
        route.district,
        corrects=wrong["id"],
        note="arrived at the PPK, not the PPS",
    )
    results = ledger.ingest(user("officer"), [fix, events[1]])
    assert _statuses(results) == ["accepted", "accepted"]
    assert Box.objects.get(code=route.box).state == Box.State.AT_PPK


def test_events_arriving_late_and_out_of_order_fold_in_the_order_they_happened(route):
    events = journey(route)
    ledger.ingest(user("officer"), events[8:])
    ledger.ingest(user("officer"), events[:8])
    box = Box.objects.get(code=route.box)
    assert box.state == Box.State.AT_KPU
    assert box.seals == ["KPU-0001", "KPU-0002"]
    assert box.expected_by is None


def test_the_orm_refuses_to_change_or_remove_an_event(route):
    ledger.ingest(user("officer"), journey(route)[:1])
    stored = CustodyEvent.objects.get(box__code=route.box)
    stored.note = "rewritten"
    with pytest.raises(PermissionDenied):
        stored.save()
    with pytest.raises(PermissionDenied):
        stored.delete()
    with pytest.raises(PermissionDenied):
        CustodyEvent.objects.filter(pk=stored.pk).update(note="rewritten")
    with pytest.raises(PermissionDenied):
        CustodyEvent.objects.filter(pk=stored.pk).delete()
    assert CustodyEvent.objects.get(pk=stored.pk).note == ""


def test_the_ledger_writes_every_column_of_an_event():
    assert {c.db_column for c in columns.EVENT} == {
        f.column for f in CustodyEvent._meta.concrete_fields
    }
