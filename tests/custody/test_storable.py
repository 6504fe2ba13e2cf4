"""What is hashed is what is stored: values no database keeps as sent are refused per event,
and numbers are stored exactly as the chain hashed them, on SQLite and PostgreSQL alike."""

import json
import math

import pytest
from django.test import Client

from kawal.custody import ledger, verification
from kawal.custody.models import CustodyEvent
from tests.conftest import bearer, user
from tests.custody.conftest import journey


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"lat": math.nan, "lng": 114.3}, "lat must be a finite number"),
        ({"lat": -8.2, "lng": math.inf}, "lng must be a finite number"),
        ({"lat": -math.inf, "lng": 114.3}, "lat must be a finite number"),
        ({"note": "seal \ud800 torn"}, "note holds a lone surrogate"),
        ({"note": "seal\x00torn"}, "note holds a NUL character"),
        ({"seals": ["KPU-\x001"]}, "seals holds a NUL character"),
        ({"document": "BA-\udfff"}, "document holds a lone surrogate"),
    ],
)
def test_an_unstorable_value_is_rejected_with_its_reason_and_the_rest_of_the_batch_goes_on(
    route, change, error
):
    first, second = journey(route)[:2]
    results = ledger.ingest(user("officer"), [{**first, **change}, second])
    assert results[0] == {"id": first["id"], "status": "rejected", "error": results[0]["error"]}
    assert error in results[0]["error"]
    assert results[1]["status"] == "accepted"
    assert verification.verify(route.box).ok


def test_an_unstorable_id_is_rejected_without_being_echoed(route):
    bad = {**journey(route)[0], "id": "\x00"}
    [result] = ledger.ingest(user("officer"), [bad])
    assert result == {
        "id": None,
        "status": "rejected",
        "error": "id holds a NUL character, which cannot be stored",
    }


def test_nan_sent_over_the_api_is_rejected_for_that_event_alone(route):
    first, second = journey(route)[:2]
    body = json.dumps([{**first, "lat": math.nan, "lng": 114.3}, second])
    assert "NaN" in body
    response = Client().post(
        "/api/v1/custody/events", body, content_type="application/json", **bearer("officer")
    )
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["rejected", "accepted"]


@pytest.mark.parametrize(
    ("lat", "lng"), [(-0.0, 114), (0, 114), (-8, 114.25), (-8.123456789012345, 114.98765432101234)]
)
def test_coordinates_round_trip_exactly_and_the_chain_verifies(route, lat, lng):
    first = {**journey(route)[0], "lat": lat, "lng": lng}
    assert ledger.ingest(user("officer"), [first])[0]["status"] == "accepted"
    stored = CustodyEvent.objects.get(id=first["id"])
    # repr tells -0.0 from 0.0, which == does not.
    assert (repr(stored.lat), repr(stored.lng)) == (repr(float(lat) + 0.0), repr(float(lng) + 0.0))
    assert verification.verify(route.box).ok
    assert ledger.ingest(user("officer"), [first])[0]["status"] == "duplicate"


def test_text_with_any_other_unicode_round_trips_exactly(route):
    note = "segel robek 🗳️ — café \u200b\U0010ffff"
    first = {**journey(route)[0], "note": note}
    assert ledger.ingest(user("officer"), [first])[0]["status"] == "accepted"
    assert CustodyEvent.objects.get(id=first["id"]).note == note
    assert verification.verify(route.box).ok
