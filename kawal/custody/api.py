"""The custody API: device batches in; box timelines, the ledger check, alerts, and the
signed checkpoints with their proofs out."""

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status

from kawal import batches
from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import scope_of
from kawal.api_errors import responses
from kawal.custody import alerts, checkpoints, ledger, payload, signing, timeline, verification
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


@router.post(
    "/custody/events",
    response=batches.RESPONSES,
    exclude_none=True,
    openapi_extra=batches.request_body(payload.MAX_BATCH, EVENT_EXAMPLE),
)
def post_events(request: AuthenticatedHttpRequest) -> Status | JsonResponse:
    """Append a batch of up to 1,000 custody events. Each is accepted, a duplicate or rejected.

    Retrying a batch is safe: an id already stored with the same content is a duplicate.
    A body that isn't a JSON array of objects is refused whole, and nothing is stored.
    """
    phone = device_of(request)
    device = str(phone.pk) if phone else None
    token = getattr(request, "api_token", None)
    token_id = token.pk if token else None
    return batches.answer(
        request, lambda items: ledger.ingest(request.user, items, device=device, token=token_id)
    )


@router.get(
    "/custody/boxes/{code}",
    response=responses(timeline.Timeline, 403, 404),
    exclude_none=True,
)
def box(request: AuthenticatedHttpRequest, code: str) -> timeline.Timeline:
    """A box, its state and its timeline. Observers see escorts as counts per force only."""
    return timeline.box_timeline(request.user, code)


@router.get("/custody/verify", response=responses(verification.Report, 403))
def verify(request: AuthenticatedHttpRequest) -> verification.Report:
    """Recompute every chain in the caller's scope; name every problem in each."""
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


@router.get("/alerts", response=responses(list[alerts.AlertView], 403))
def alert_list(request: AuthenticatedHttpRequest, q: Query[AlertQuery]) -> Status:
    """Alerts in scope, newest first: stored ones, and overdue or unsealed boxes right now."""
    try:
        found = alerts.listing(request.user, region=q.region, box=q.box, status=q.status)
    except ValidationError as exc:
        return Status(422, {"detail": exc.messages[0]})
    return Status(200, found)


class AlertNoteIn(Schema):
    note: str


def _handle(request: AuthenticatedHttpRequest, alert_id: int, to: str, body: AlertNoteIn) -> Status:
    try:
        return Status(200, alerts.view_of(alerts.handle(request.user, alert_id, to, body.note)))
    except ValidationError as exc:
        return Status(422, {"detail": exc.messages[0]})


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response=responses(alerts.AlertView, 403, 404),
)
def acknowledge(request: AuthenticatedHttpRequest, alert_id: int, body: AlertNoteIn) -> Status:
    """Acknowledge an open alert, with a note (command and sector staff)."""
    return _handle(request, alert_id, "acknowledged", body)


@router.post(
    "/alerts/{alert_id}/resolve",
    response=responses(alerts.AlertView, 403, 404),
)
def resolve(request: AuthenticatedHttpRequest, alert_id: int, body: AlertNoteIn) -> Status:
    """Resolve an alert, with a note saying how (command and sector staff)."""
    return _handle(request, alert_id, "resolved", body)


class CheckpointOut(Schema):
    size: int
    root: str
    digest: str  # SIZE:ROOT, for `kawal verify --against`
    created_at: datetime
    reason: str
    signed: str  # the signed note: check it with docs/verify_checkpoint.py


class CheckpointsOut(Schema):
    origin: str
    public_key: str  # Ed25519, base64: what the signatures check against
    checkpoints: list[CheckpointOut]


class CheckpointQuery(Schema):
    limit: int = Field(100, ge=1, le=1000)


@router.get(
    "/custody/checkpoints",
    response=responses(CheckpointsOut, 403),
)
def checkpoint_list(request: AuthenticatedHttpRequest, q: Query[CheckpointQuery]) -> CheckpointsOut:
    """The ledger's signed tree heads, newest first, and the public key that checks them.

    A checkpoint covers every custody event and audit entry in the order the server
    committed them; keep one, and any later change to what it covered can be proven.
    """
    checkpoints.readable(request.user)
    return CheckpointsOut(
        origin=signing.ORIGIN,
        public_key=signing.public_key(),
        checkpoints=[
            CheckpointOut(
                size=c.size, root=c.root, digest=c.digest, created_at=c.created_at,
                reason=c.reason, signed=c.signed,
            )
            for c in checkpoints.newest(q.limit)
        ],
    )  # fmt: skip


class ProofQuery(Schema):
    event: uuid.UUID | None = None
    checkpoint: int | None = Field(None, ge=0)
    first: int | None = Field(None, ge=0, alias="from")
    to: int | None = Field(None, ge=0)


@router.get(
    "/custody/proof",
    response=responses(checkpoints.Inclusion | checkpoints.Consistency, 403, 404, 409),
)
def proof(request: AuthenticatedHttpRequest, q: Query[ProofQuery]) -> Status:
    """An inclusion proof, `?event=ID[&checkpoint=SIZE]`: the event is in that checkpoint
    (the latest if not given), with the content its leaf commits to. Or a consistency proof,
    `?from=SIZE&to=SIZE`: the first checkpoint is a prefix of the second. Check either
    offline with docs/verify_checkpoint.py against a checkpoint you hold."""
    try:
        if q.event is not None and q.first is None and q.to is None:
            return Status(200, checkpoints.inclusion(request.user, str(q.event), q.checkpoint))
        if q.event is None and q.checkpoint is None and q.first is not None and q.to is not None:
            return Status(200, checkpoints.consistency(request.user, q.first, q.to))
    except ValidationError as exc:
        return Status(422, {"detail": exc.messages[0]})
    except checkpoints.LogBroken as exc:
        return Status(409, {"detail": f"{exc}: the log must be checked with verify --against"})
    return Status(422, {"detail": "ask for event (and checkpoint), or for from and to"})
