"""The one shape of the batch APIs that devices sync through: custody events, check-ins and
incidents.

A device sends a JSON array of records, each with its own client-made UUID, and gets one
result per record, in input order: accepted; duplicate (the same id with the same content,
stored once); or rejected, with the reason. A body that is not such an array is refused
whole, and nothing of it is stored: 400 when it isn't JSON, 413 when it holds too many
records, 422 otherwise.
"""

import json
from collections.abc import Callable
from typing import Any, TypedDict

from django.http import HttpRequest, JsonResponse
from ninja import Schema, Status

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"


class BatchError(ValueError):
    """The body as a whole is unusable; nothing of it is stored."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


def check_batch(items: object, *, limit: int, noun: str) -> list[dict[str, Any]]:
    """`items` as a list of at most `limit` JSON objects; `noun` names one record ("event")."""
    if not isinstance(items, list):
        raise BatchError(f"the body must be a JSON array of {noun}s")
    if len(items) > limit:
        raise BatchError(
            f"a batch holds at most {limit} {noun}s, not {len(items)}", too_large=True
        )
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


class Error(Schema):
    detail: str


class ResultOut(Schema):
    id: str | None
    status: str
    error: str | None = None


class ResultsOut(Schema):
    results: list[ResultOut]


RESPONSES = {200: ResultsOut, 400: Error, 401: Error, 403: Error, 413: Error, 422: Error}


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
