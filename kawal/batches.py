"""The one shape of the batch APIs that devices sync through: custody events, check-ins and
incidents.

A device sends a JSON array of records, each with its own client-made UUID, and gets one
result per record, in input order: accepted; duplicate (the same id with the same content,
stored once); or rejected, with the reason. A body that is not such an array is refused
whole, and nothing of it is stored: 400 when it isn't JSON, 413 when it holds too many
records, 422 otherwise.
"""

import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from ninja import Schema, Status

from kawal.api_errors import responses

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
# A device clock may run a little fast; further ahead than this is a wrong clock.
CLOCK_SKEW = timedelta(minutes=15)


class BatchError(ValueError):
    """The body as a whole is unusable; nothing of it is stored."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


class Rejected(ValueError):
    """One record is unusable; the rest of its batch goes on."""


def device_time(raw: object, now: datetime) -> datetime:
    """A record's `occurred_at`: an ISO-8601 time with its UTC offset, not ahead of `now`."""
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None:
        raise Rejected("occurred_at must be an ISO-8601 time")
    if value.tzinfo is None:
        raise Rejected("occurred_at has no UTC offset: send e.g. 2024-11-27T13:05:00+07:00")
    if value > now + CLOCK_SKEW:
        raise Rejected("occurred_at is in the future: check the device clock")
    return value


# Indonesia's bounding box, with a margin: Sabang to Merauke, Miangas to Rote.
INDONESIA = {"lat": (-11.5, 6.5), "lng": (94.0, 141.5)}


def coordinate(value: object, name: str) -> float | None:
    """A latitude (`name` "lat") or longitude ("lng") within Indonesia, or None when it was
    not sent: a point outside is a GPS fix gone wrong, or lat and lng swapped."""
    if value is None:
        return None
    low, high = INDONESIA[name]
    if (
        isinstance(value, bool) or not isinstance(value, int | float)
        or not math.isfinite(value) or not low <= value <= high
    ):  # fmt: skip
        raise Rejected(f"{name} must be a number from {low:g} to {high:g}, within Indonesia")
    # Stored (and, for custody, hashed) as a float; + 0.0 turns -0.0 into the 0.0 SQLite keeps.
    return float(value) + 0.0


def check_batch(items: object, *, limit: int, noun: str) -> list[dict[str, Any]]:
    """`items` as a list of at most `limit` JSON objects; `noun` names one record ("event")."""
    if not isinstance(items, list):
        raise BatchError(f"the body must be a JSON array of {noun}s")
    if len(items) > limit:
        raise BatchError(f"a batch holds at most {limit} {noun}s, not {len(items)}", too_large=True)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BatchError(f"{noun} [{i}] must be a JSON object")
    return items


class Counts(TypedDict):
    accepted: int
    duplicate: int
    rejected: int


def counts(results: list[dict[str, Any]]) -> Counts:
    """How many records were accepted, duplicates and rejected: the batch's audit entry."""
    statuses = [r["status"] for r in results]
    return Counts(
        accepted=statuses.count(ACCEPTED),
        duplicate=statuses.count(DUPLICATE),
        rejected=statuses.count(REJECTED),
    )


class ResultOut(Schema):
    id: str | None
    status: str
    error: str | None = None


class ResultsOut(Schema):
    results: list[ResultOut]


RESPONSES = responses(ResultsOut, 403)


def request_body(limit: int, example: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI description of a batch body (ninja can't infer it from a raw body)."""
    schema = {"type": "array", "maxItems": limit, "items": {"type": "object"}}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema, "example": [example]}},
        }
    }


def answer(
    request: HttpRequest, store: Callable[[object], list[dict[str, Any]]]
) -> Status | JsonResponse:
    """Parse the body, hand it to `store` and answer its per-record results."""
    try:
        items = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        return Status(400, {"detail": f"the body is not JSON: {exc}"})
    try:
        results = store(items)
    except BatchError as exc:
        return Status(413 if exc.too_large else 422, {"detail": str(exc)})
    # Already in ResultsOut's shape; skipping its validation of 1,000 rows keeps sync fast.
    return JsonResponse({"results": results})
