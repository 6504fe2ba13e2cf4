"""Bodies no API call should ever parse: too large (413), nested too deep (400), or failing
a field's schema (422), each answered with one `{"detail": str}` and nothing stored."""

import json

import pytest

from kawal.accounts.models import AuditEntry
from kawal.custody.models import CustodyEvent
from kawal.incidents.models import Incident
from kawal.request_limits import MAX_DEPTH, TooDeep, check_depth
from tests.conftest import bearer
from tests.factories import COMMANDER, OFFICER

BATCHES = ("/api/v1/custody/events", "/api/v1/checkins", "/api/v1/incidents")
JSON_BODIES = (*BATCHES, "/api/v1/alerts/1/acknowledge", "/api/v1/plan/scan")


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("path", JSON_BODIES)
@pytest.mark.parametrize(
    "body",
    [nested(100_000), "[" * 200_000, '{"a":' * 50_000 + "1" + "}" * 50_000],
    ids=["arrays", "unclosed", "objects"],
)
def test_a_deeply_nested_body_is_refused_before_it_is_parsed(small, path, body):
    response = bearer_post(OFFICER, path, body)
    assert response.status_code == 400
    assert response.json() == {"detail": f"the body nests JSON deeper than {MAX_DEPTH} levels"}
    assert not CustodyEvent.objects.exists() and not Incident.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["custody.ingest", "incidents.report"]).exists()


def test_nesting_up_to_the_limit_reaches_the_batch_check(small):
    response = bearer_post(OFFICER, BATCHES[0], nested(MAX_DEPTH))
    assert response.status_code == 422
    assert response.json() == {"detail": "event [0] must be a JSON object"}
    assert bearer_post(OFFICER, BATCHES[0], nested(MAX_DEPTH + 1)).status_code == 400


def test_brackets_inside_strings_are_text_not_nesting():
    check_depth(json.dumps(["[" * 1000, {"note": '\\"[{' * 500}]).encode())
    with pytest.raises(TooDeep):
        # An escaped quote does not end its string; the nesting after the string counts.
        check_depth(('[{"note": "\\"["}, ' + nested(MAX_DEPTH) + "]").encode())
    with pytest.raises(TooDeep):
        # An escaped backslash does not escape the quote after it: the string ends there.
        check_depth(("[" + json.dumps("C:\\[") + ", " + nested(MAX_DEPTH) + "]").encode())
    check_depth(("[" + json.dumps('"]' * 40) + ", " + nested(MAX_DEPTH - 1) + "]").encode())


@pytest.mark.parametrize("path", JSON_BODIES)
def test_a_body_over_the_size_limit_is_refused_with_413(small, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps([{"note": "x" * (1024 * 1024)}])
    response = bearer_post(OFFICER, path, body)
    assert response.status_code == 413
    assert response.json() == {"detail": "the body is larger than the 1 MB an API call takes"}
    assert not CustodyEvent.objects.exists() and not Incident.objects.exists()


def test_the_default_size_limit_takes_a_full_batch_of_long_events():
    from django.conf import settings

    event = {"id": "6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f", "note": "catatan " * 250,
             "escorts": ["75012827"] * 12, "seals": ["KPU-3510-000123"] * 10,
             "signature": "A" * 88}  # fmt: skip
    assert len(json.dumps([event] * 1000)) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_field_failing_its_schema_is_named_in_a_string_detail(small):
    response = bearer_post(COMMANDER, "/api/v1/alerts/1/acknowledge", json.dumps({"note": 7}))
    assert response.status_code == 422
    assert response.json() == {"detail": "body.note: Input should be a valid string"}
    response = bearer_post(COMMANDER, "/api/v1/alerts/1/acknowledge", "{}")
    assert response.json() == {"detail": "body.note: Field required"}


def test_a_missing_query_parameter_is_named(small):
    from django.test import Client

    response = Client().get("/api/v1/status", **bearer(COMMANDER))
    assert response.status_code == 422
    assert response.json() == {"detail": "query.region: Field required"}


def bearer_post(username: str, path: str, body: str):
    from django.test import Client

    return Client().post(path, body, content_type="application/json", **bearer(username))
