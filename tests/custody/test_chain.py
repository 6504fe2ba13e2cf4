"""The chain's hash of an event never changes: stored chains must verify forever."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

from kawal.custody import chain

WIB = timezone(timedelta(hours=7))
EVENT = {
    "id": uuid.UUID("6f1c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5"),
    "box": "35.10.16.2001-001-BUP",
    "seq": 3,
    "kind": "arrived",
    "occurred_at": datetime(2024, 11, 23, 10, 0, tzinfo=WIB),
    "received_at": datetime(2024, 11, 23, 3, 5, 7, 123456, tzinfo=UTC),
    "place": "35.10.16.2001",
    "lat": -8.2,
    "lng": 114,
    "from_party": "PPK",
    "to_party": "PPS",
    "escorts": ["75010001", "81020002"],
    "seals": ["KPU-0001"],
    "document": "BA-1",
    "note": "Catatan: hujan",
    "corrects": uuid.UUID("11111111-2222-4333-8444-555555555555"),
    "recorded_by": 7,
}


def test_an_event_hashes_to_the_same_bytes_as_when_it_was_stored():
    # Computed by the ledger as first released; a change here breaks every stored chain.
    assert chain.link(chain.GENESIS, EVENT) == (
        "ad6a70b027cd3e9618f1d2236e96623422d6b886526e4fecdfe2092275320262"
    )
    empty = {**EVENT, "lat": None, "lng": None, "corrects": None, "escorts": [], "note": ""}
    assert chain.link("ab" * 32, empty) == (
        "b0adaf85c353120c31f97380c2bf7d75b30ef99237e5268ed3eeb6332e02b7bd"
    )


def test_the_canonical_form_sorts_keys_and_writes_times_in_utc():
    assert chain.canonical(EVENT).startswith('{"box":"35.10.16.2001-001-BUP","corrects":"1111')
    assert '"occurred_at":"2024-11-23T03:00:00.000000+00:00"' in chain.canonical(EVENT)


def test_fields_the_chain_does_not_commit_to_are_left_out():
    assert chain.canonical({**EVENT, "hash": "x", "prev_hash": "y"}) == chain.canonical(EVENT)
