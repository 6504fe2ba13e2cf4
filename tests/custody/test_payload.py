"""A device's events are checked and normalised field by field, without the database."""

import uuid
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kawal import batches
from kawal.batches import BatchError
from kawal.custody import columns, payload

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2024, 11, 23, 12, 0, tzinfo=WIB)


def sent(**change) -> dict:
    event = {
        "id": "6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f",
        "box": "35.10.16.2001-001-BUP",
        "kind": "departed",
        "occurred_at": "2024-11-23T08:00:00+07:00",
        "place": "35.10",
        "escorts": ["75010001"],
        "seals": [],
    }
    event.update(change)
    return event


def test_a_good_event_parses_into_its_fields():
    event = payload.parse(sent(lat=-8.2, lng=114, note="hujan"), NOW)
    assert event.id == uuid.UUID("6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f")
    assert event.occurred_at == datetime(2024, 11, 23, 8, 0, tzinfo=WIB)
    assert (event.lat, event.lng) == (-8.2, 114.0)
    assert (event.note, event.from_party, event.corrects) == ("hujan", "", None)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"occurred_at": "2024-11-23T08:00:00"}, "occurred_at has no UTC offset"),
        ({"occurred_at": "yesterday"}, "occurred_at must be an ISO-8601 time"),
        ({"occurred_at": "2024-11-23T12:16:00+07:00"}, "occurred_at is in the future"),
        ({"kind": "teleported"}, "kind 'teleported' is not one of"),
        ({"id": "not-a-uuid"}, "id must be a UUID"),
        ({"box": 7}, "box must be a box code"),
        ({"place": "Banyuwangi"}, "place must be a region or TPS code"),
        ({"lat": -8.2}, "lat and lng come together"),
        ({"lat": 123, "lng": 114}, "lat must be a number from -11.5 to 6.5, within Indonesia"),
        ({"lat": True, "lng": 114}, "lat must be a number"),
        # Swapped, and a point in Malaysia's Sabah: both outside Indonesia.
        ({"lat": 114.37, "lng": -8.22}, "lat must be a number from -11.5 to 6.5"),
        ({"lat": 5.98, "lng": 142.5}, "lng must be a number from 94 to 141.5, within Indonesia"),
        ({"escorts": [f"7501{i:04}" for i in range(13)]}, "escorts lists at most 12, not 13"),
        ({"seals": [f"KPU-{i}" for i in range(11)]}, "seals lists at most 10, not 11"),
        ({"seals": "S-1"}, "seals must be a list of strings"),
        ({"seals": ["S-1", "S-1"]}, "seals lists the same value twice"),
        ({"note": "x" * 2001}, "note is longer than 2000 characters"),
        ({"document": 12}, "document must be a string"),
        ({"colour": "red"}, "unknown field colour"),
        ({"place": ""}, "place is required"),
        ({"kind": "correction"}, "a correction, and only a correction"),
        ({"corrects": str(uuid.uuid4())}, "a correction, and only a correction"),
        (
            {"kind": "correction", "corrects": str(uuid.uuid4()), "note": "  "},
            "note is required: a correction says what was wrong",
        ),
    ],
)
def test_a_bad_event_is_rejected_with_a_message_naming_the_problem(change, error):
    with pytest.raises(payload.Rejected, match=error):
        payload.parse(sent(**change), NOW)


def test_a_device_clock_a_little_fast_is_tolerated():
    ahead = (NOW + batches.CLOCK_SKEW - timedelta(seconds=1)).isoformat()
    assert payload.parse(sent(occurred_at=ahead), NOW).occurred_at > NOW


def test_the_same_instant_in_another_offset_has_the_same_content():
    in_wib = payload.parse(sent(), NOW)
    in_utc = payload.parse(sent(occurred_at="2024-11-23T01:00:00+00:00"), NOW)
    assert in_wib.content() == in_utc.content()


def test_content_read_back_from_the_database_compares_equal_to_what_was_sent():
    event = payload.parse(
        sent(kind="correction", corrects=str(uuid.uuid4()), note="wrong box"), NOW
    )
    stored = {**vars(event), "occurred_at": event.occurred_at.astimezone(UTC)}
    assert payload.normalised(stored) == event.content()


@pytest.mark.parametrize("body", [{"events": []}, [sent(), "not an event"], [sent()] * 1001])
def test_a_body_that_is_not_an_array_of_at_most_1000_objects_is_refused_whole(body):
    with pytest.raises(BatchError):
        payload.check_batch(body)


def test_an_incoming_event_holds_exactly_the_fields_a_device_may_send_and_what_it_signed():
    names = tuple(f.name for f in fields(payload.Incoming))
    assert names == (*columns.DEVICE_FIELDS, "signed")
