"""The incidents API: device batches in, incidents out, and their workflow moves."""

import uuid
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status

from kawal import batches
from kawal.api_errors import responses
from kawal.incidents import handling, intake, payload, reads, workflow

router = Router(tags=["incidents"])

INCIDENT_EXAMPLE = {
    "id": "0b7c4b1e-2f6a-4d0e-9a51-3c9e8f1d2a7b",
    "category": "tps_disturbance",
    "severity": "high",
    "occurred_at": "2024-11-27T10:40:00+07:00",
    "place": "35.10.16.1001-001",
    "lat": -8.2191,
    "lng": 114.3691,
    "description": "Keributan antar pendukung di depan TPS; pemungutan suara berhenti 15 menit.",
    "people_involved": "dua orang pendukung paslon",
    "actions_taken": "dilerai oleh Bhabinkamtibmas dan Linmas",
}


@router.post(
    "/incidents",
    response=batches.RESPONSES,
    exclude_none=True,
    openapi_extra=batches.request_body(payload.MAX_BATCH, INCIDENT_EXAMPLE),
)
def post_incidents(request):
    """Report a batch of up to 100 incidents. Each is accepted, a duplicate or rejected.

    Retrying a batch is safe: an id already stored with the same content is a duplicate, and
    the same id with other content is rejected as a conflict. A rejected report names the
    field that is wrong. A body that isn't a JSON array of objects is refused whole (422; 413
    above 100 reports), and nothing is stored.
    """
    return batches.answer(request, lambda items: intake.report(request.user, items))


class StepOut(Schema):
    action: str
    status: str
    at: datetime
    note: str
    by: str | None = None


class IncidentOut(Schema):
    id: str
    category: str
    severity: str
    status: str
    escalated: bool
    occurred_at: datetime
    received_at: datetime
    updated_at: datetime
    place: str
    region: str
    tps: str | None = None
    lat: float | None = None
    lng: float | None = None
    description: str
    actions_taken: str
    dead: int | None = None
    injured: int | None = None
    acknowledged_at: datetime | None = None
    reported_by: str | None = None
    people_involved: str | None = None
    steps: list[StepOut]


class IncidentQuery(Schema):
    region: str | None = None
    status: Literal["reported", "handled", "closed"] | None = None
    since: datetime | None = None


@router.get(
    "/incidents",
    response=responses(list[IncidentOut], 403),
    exclude_none=True,
)
def incident_list(request, q: Query[IncidentQuery]):
    """Incidents in the caller's scope, the latest moved first (at most 1,000).

    `since` (ISO-8601 with offset) keeps those reported or moved since then. Observers and
    field members never see who reported an incident, the people involved, or who handled it.
    """
    try:
        found = reads.listing(request.user, region=q.region, status=q.status, since=q.since)
    except ValidationError as exc:
        return Status(422, {"detail": exc.messages[0]})
    return Status(200, found)


class IncidentNoteIn(Schema):
    note: str


@router.post(
    "/incidents/{incident_id}/{action}",
    response=responses(IncidentOut, 403, 404, 409),
    exclude_none=True,
)
def move(
    request,
    incident_id: uuid.UUID,
    action: Literal["acknowledge", "handle", "close", "reopen"],
    body: IncidentNoteIn,
):
    """Move an incident, with a note (command and sector staff in scope).

    `handle`: reported → handled; `close`: handled → closed; `reopen`: closed → reported;
    `acknowledge`: stops a critical incident's escalation. 409 when the incident's status
    doesn't allow the move.
    """
    try:
        handling.do_move(incident_id, action, body.note, acting_user=request.user)
    except workflow.Refused as exc:
        return Status(409, {"detail": str(exc)})
    except workflow.Invalid as exc:
        return Status(422, {"detail": str(exc)})
    incident, steps, scope = reads.one(request.user, incident_id)
    return Status(200, reads.view_of(
        incident, steps, with_personnel=scope.sees_personnel_in(incident.region_id)
    ))
