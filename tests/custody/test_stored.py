"""Verify and the Merkle log read events back the fast way (custody/stored.py): every event
must come back with the hash `chain.link` gives the ORM's reading of it."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from django.utils import timezone as django_timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kawal.accounts import audit
from kawal.accounts.models import ApiToken
from kawal.custody import bulk, chain, ledger, log, stored, verification
from kawal.custody.columns import EVENT, HASHED, named, reads
from kawal.custody.models import Box, CustodyEvent
from kawal.field.models import Device, EnrolmentCode
from kawal.personnel.models import Force
from tests.conftest import user
from tests.custody.conftest import home_route, journey, tamper
from tests.factories import HOME

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(-timedelta(hours=3.5))])
# Hypothesis bounds aware datetimes by naive ones.
TIMES = st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1), timezones=ZONES)  # noqa: DTZ001
# What a database stores as text: no NUL, no lone surrogates.
STORABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


def text(longest: int | None = None) -> st.SearchStrategy[str]:
    return st.text(STORABLE, max_size=longest)


def any_event(floats: st.SearchStrategy[float]) -> st.SearchStrategy[dict]:
    """An event's hashed fields, each any value its column may hold, optional ones empty or
    not, so that an event can stand for any row the database gives back."""
    return st.fixed_dictionaries({
        "id": st.uuids(), "box": text(), "seq": st.integers(1, 2**31 - 1), "kind": text(12),
        "occurred_at": TIMES, "received_at": TIMES, "place": text(32),
        "lat": st.none() | floats, "lng": st.none() | floats,
        "from_party": text(120), "to_party": text(120),
        "escorts": st.lists(text()), "seals": st.lists(text()),
        "document": text(80), "note": text(),
        "corrects": st.none() | st.uuids(), "device": st.none() | st.uuids(),
        "signature": text(),
        "cosignatures": st.lists(st.fixed_dictionaries({"device": text(), "signature": text()})),
        "recorded_by": st.integers(1, 2**31 - 1), "sent_with": st.none() | st.integers(1, 2**62),
    })  # fmt: skip


@given(any_event(st.floats()))
def test_an_event_given_by_its_fields_json_is_the_canonical_text_of_the_event(event):
    fragments = [chain.encode(c.plain(event[c.name])) for c in HASHED]
    assert chain.canonical_fragments(fragments) == chain.canonical(event)


@pytest.fixture
def signer(small, route):
    """What a stored event may point at: its box, who recorded it, a phone, a token, and an
    event for it to correct."""
    box = Box.objects.get(code=route.box)
    officer = user("officer")
    member = small.members(Force.POLRI, HOME)[0]
    token, _ = ApiToken.issue(officer)
    now = django_timezone.now()
    code = EnrolmentCode.objects.create(
        digest="0" * 64, member=member, region_id=HOME, issued_at=now, expires_at=now
    )
    device = Device.objects.create(
        member=member, region_id=HOME, public_key="-", user=officer,
        token=ApiToken.issue(officer)[0], enrolment=code, enrolled_at=now,
    )  # fmt: skip
    ledger.ingest(officer, journey(route)[:1])
    first = CustodyEvent.objects.get(box=box)
    return box, officer, device, token, first, itertools.count(2)


def _store(event: dict, signer) -> int:
    """`event` written as the ledger writes its rows; its position in the log."""
    box, officer, device, token, first, seqs = signer
    event = {
        **event, "id": uuid.uuid4(), "box": box.code, "seq": next(seqs), "regency": box.regency,
        "recorded_by": officer.pk,
        "corrects": event["corrects"] and first.id, "device": event["device"] and device.id,
        "sent_with": event["sent_with"] and token.pk,
    }  # fmt: skip
    row = {**event, "box": box.pk, "prev_hash": chain.GENESIS}
    row["hash"] = chain.link(chain.GENESIS, event)
    entry = audit.entry("test.stored", actor=None)
    bulk.append([bulk.Parameters().row(bulk.EVENT_COLUMNS, row)], entry)
    return entry.position - 1  # the entry follows the event


@pytest.fixture
def only_fast(monkeypatch):
    """Every row Kawal writes reads back the fast way: none of them goes back to the ORM."""

    def refused(*args):
        raise AssertionError(f"the fast reading refused a row Kawal wrote: {args}")

    monkeypatch.setattr(stored, "_through_orm", refused)


def _the_orms_way(events) -> list[tuple]:
    rows = map(named, events.values(*reads(EVENT)))
    return [
        (str(r["id"]), r["box"], r["seq"], r["regency"], r["prev_hash"], r["hash"],
         r["position"], chain.link(r["prev_hash"], r))
        for r in rows
    ]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(event=any_event(st.floats(allow_nan=False)))
def test_a_stored_event_reads_back_the_fast_way_as_the_orm_reads_it(signer, only_fast, event):
    position = _store(event, signer)
    events = CustodyEvent.objects.filter(regency=signer[0].regency, position=position)
    [fast] = stored.rehashed(events)
    assert [tuple(fast)] == _the_orms_way(events)
    assert fast.rehash == fast.hash


def test_every_stored_event_of_whole_journeys_reads_back_as_the_orm_reads_it(small, only_fast):
    routes = [home_route(small, n) for n in range(4)]
    ledger.ingest(user("officer"), [e for r in routes for e in journey(r)])
    ordered = CustodyEvent.objects.order_by("box__code", "seq")
    assert [tuple(e) for e in stored.rehashed(ordered)] == _the_orms_way(ordered)
    assert verification.verify().ok


def test_the_logs_leaves_are_the_events_chain_hashes_recomputed(route):
    ledger.ingest(user("officer"), journey(route))
    tamper(route, 3, "UPDATE custody_custodyevent SET note = 'x'")
    leaves = {e.position: e.leaf for e in log.entries()}
    rows = CustodyEvent.objects.values(*reads(EVENT))
    assert {r["position"]: log.event_leaf(named(r)) for r in rows}.items() <= leaves.items()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL stores UUIDs as UUIDs")
def test_an_event_stored_in_a_form_kawal_never_writes_is_read_as_the_orm_reads_it(route):
    ledger.ingest(user("officer"), journey(route))
    before = list(log.entries())
    tamper(route, 4, "UPDATE custody_custodyevent SET id = upper(id)")
    tamper(route, 5, "UPDATE custody_custodyevent SET occurred_at = %s", "2024-11-23 16:00+07:00")
    assert verification.verify().ok
    assert list(log.entries()) == before
