"""The custody API: device batches in, box timelines, the ledger check and alerts out."""

import json

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from ninja import Query, Router, Schema, Status

from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import scope_of
from kawal.custody import alerts, ledger, payload, timeline, verification
from kawal.field.auth import device_of

router = Router(tags=["custody"])

EVENT_EXAMPLE = {
    "id": "6f1c2a4e-8f0b-4c51-9d7e-0a1b2c3d4e5f",
    "box": "35.10.16.1001-001-BUP",
    "kind": "departed",
    "occurred_at": "2024-11-27T19:30:00+07:00",
    "place": "35.10.16.1001-001",
    "lat": -8.2191,
    "lng": 114.3691,
    "escorts": ["75012827"],
    "seals": ["KPU-3510-000123"],
}


class Error(Schema):
    detail: str


class ResultOut(Schema):
    id: str | None
    status: str
    error: str | None = None


class ResultsOut(Schema):
    results: list[ResultOut]


@router.post(
    "/custody/events",
    response={200: ResultsOut, 400: Error, 401: Error, 403: Error, 422: Error},
    exclude_none=True,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "maxItems": payload.MAX_BATCH,
                        "items": {"type": "object"},
                    },
                    "example": [EVENT_EXAMPLE],
                }
            },
        }
    },
)
def post_events(request: AuthenticatedHttpRequest) -> Status | JsonResponse:
    """Append a batch of up to 1,000 custody events. Each is accepted, a duplicate or rejected.

    Retrying a batch is safe: an id already stored with the same content is a duplicate.
    A body that isn't a JSON array of objects is refused whole, and nothing is stored.
    """
    try:
        items = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        return Status(400, {"detail": f"the body is not JSON: {exc}"})
    try:
        sender = device_of(request)
        results = ledger.ingest(request.user, items, device=str(sender.pk) if sender else None)
    except payload.BatchError as exc:
        return Status(422, {"detail": str(exc)})
    # Already in ResultsOut's shape; skipping its validation of 1,000 rows keeps sync fast.
    return JsonResponse({"results": results})


@router.get(
    "/custody/boxes/{code}",
    response={200: timeline.Timeline, 403: Error, 404: Error},
    exclude_none=True,
)
def box(request: AuthenticatedHttpRequest, code: str) -> timeline.Timeline:
    """A box, its state and its timeline. Observers see escorts as counts per force only."""
    return timeline.box_timeline(request.user, code)


@router.get("/custody/verify", response=verification.Report)
def verify(request: AuthenticatedHttpRequest) -> verification.Report:
    """Recompute every chain in the caller's scope; name the first broken link per box."""
    reports = [verification.verify(code) for code in scope_of(request.user).regions]
    return verification.Report(
        ok=all(r.ok for r in reports),
        events=sum(r.events for r in reports),
        broken=[b for r in reports for b in r.broken],
    )


class AlertQuery(Schema):
    region: str | None = None
    box: str | None = None
    status: str | None = None


@router.get("/alerts", response={200: list[alerts.AlertView], 403: Error, 422: Error})
def alert_list(request: AuthenticatedHttpRequest, q: Query[AlertQuery]) -> Status:
    """Alerts in scope, newest first: stored ones, and overdue or unsealed boxes right now."""
    try:
        found = alerts.listing(request.user, region=q.region, box=q.box, status=q.status)
    except ValidationError as exc:
        return Status(422, {"detail": exc.messages[0]})
    return Status(200, found)


class NoteIn(Schema):
    note: str


def _handle(request: AuthenticatedHttpRequest, alert_id: int, to: str, body: NoteIn) -> Status:
    try:
        return Status(200, alerts.view_of(alerts.handle(request.user, alert_id, to, body.note)))
    except ValidationError as exc:
        return Status(422, {"detail": exc.messages[0]})


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: alerts.AlertView, 403: Error, 404: Error, 422: Error},
)
def acknowledge(request: AuthenticatedHttpRequest, alert_id: int, body: NoteIn) -> Status:
    """Acknowledge an open alert, with a note (command and sector staff)."""
    return _handle(request, alert_id, "acknowledged", body)


@router.post(
    "/alerts/{alert_id}/resolve",
    response={200: alerts.AlertView, 403: Error, 404: Error, 422: Error},
)
def resolve(request: AuthenticatedHttpRequest, alert_id: int, body: NoteIn) -> Status:
    """Resolve an alert, with a note saying how (command and sector staff)."""
    return _handle(request, alert_id, "resolved", body)
