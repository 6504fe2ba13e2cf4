"""The field API: enrolling a device, my duty, check-ins and resumable photo uploads.

The shapes are those of /work/wt/prompts/field-contract.md, which the phone app codes against.
"""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema, Status

from kawal import batches
from kawal.api_errors import responses
from kawal.field import checkins, devices, photos
from kawal.field.auth import device_of
from kawal.field.duty import duty as duty_of
from kawal.field.models import Device

router = Router(tags=["field"])


class Conflict(Schema):
    detail: str
    received: int


class EnrolIn(Schema):
    code: str
    public_key: str
    label: str = ""


class DutyMemberOut(Schema):
    nrp: str
    name: str
    rank: str
    force: str


class EnrolOut(Schema):
    device: uuid.UUID
    token: str
    member: DutyMemberOut
    region: str


def _device(request) -> Device:
    device = device_of(request)
    if device is None:
        raise PermissionDenied("only an enrolled field device may call this: enrol the phone")
    return device


@router.post("/devices/enrol", auth=None, response=responses(EnrolOut, 410, public=True))
def enrol(request, body: EnrolIn):
    """Trade a one-time enrolment code and the phone's ECDSA P-256 public key (base64 SPKI)
    for a device token bound to the code's member and region. 400: unknown code; 410: the
    code was used or has expired; 422: the public key or label is unusable."""
    try:
        device, token = devices.enrol(body.code, body.public_key, body.label)
    except devices.EnrolmentRefused as exc:
        return Status(exc.status, {"detail": str(exc)})
    except ValidationError as exc:
        return Status(422, {"detail": "; ".join(m for ms in exc.message_dict.values() for m in ms)})
    member = device.member
    return {
        "device": device.pk,
        "token": token,
        "member": {"nrp": member.nrp, "name": member.name, "rank": member.rank,
                   "force": member.force},
        "region": device.region_id,
    }


class DutyPostOut(Schema):
    code: str
    name: str
    kind: str
    lat: float
    lng: float
    tps: list[str]


class TeamMemberOut(DutyMemberOut):
    phone: str


class MoveOut(Schema):
    kind: str
    place: str


class BoxOut(Schema):
    code: str
    tps: str | None
    state: str
    next: MoveOut | None
    seals: list[str]


class AssignmentOut(Schema):
    id: int
    stage: str
    stage_name: str
    starts_at: str
    ends_at: str
    post: DutyPostOut
    team: list[TeamMemberOut]
    boxes: list[BoxOut]


class OperationOut(Schema):
    name: str
    checkin_distance_m: int
    require_signatures: bool


class DutyOut(Schema):
    member: DutyMemberOut
    region: str
    operation: OperationOut
    assignments: list[AssignmentOut]
    incident_categories: list[list[str]]
    generated_at: str


@router.get("/field/duty", response=responses(DutyOut, 403))
def duty(request):
    """The device's member's assignments in the approved plan for today and the next stage:
    post, TPS, team with phones, and the boxes with what the ledger expects next."""
    return duty_of(_device(request))


CHECKIN_EXAMPLE = {
    "id": "0b8f8f4e-7c1d-4c8a-9a57-2d3e4f5a6b7c",
    "occurred_at": "2024-11-27T06:45:00.000Z",
    "lat": -8.2191,
    "lng": 114.3691,
    "assignment": 42,
}


@router.post(
    "/checkins",
    response=batches.RESPONSES,
    exclude_none=True,
    openapi_extra=batches.request_body(checkins.MAX_BATCH, CHECKIN_EXAMPLE),
)
def post_checkins(request):
    """Store a device's check-ins, each answered accepted, duplicate or rejected, in order.

    Retrying is safe: an id already stored with the same content is a duplicate. A check-in
    farther from its post than the operation's check-in distance is stored with `far`.
    """
    device = _device(request)
    return batches.answer(request, lambda items: checkins.ingest(device, items, actor=request.user))


class PhotoOut(Schema):
    received: int
    total: int
    complete: bool


def _progress(photo) -> dict:
    return {"received": photo.received, "total": photo.total, "complete": photo.complete}


@router.put(
    "/photos/{photo_id}",
    response=responses(PhotoOut, 403, 404, s409=Conflict),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        },
        "parameters": [
            {
                "name": "Content-Range",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "example": "bytes 0-65535/180000"},
            }
        ],
    },
)
def put_photo(request, photo_id: uuid.UUID, record: str, total: int):
    """Store one chunk of a photo (a raw JPEG slice) for the record `record`. Resumable:
    a chunk must start where the stored part ends, else 409 says where that is."""
    device = _device(request)
    try:
        photo = photos.receive(
            device, photo_id, record=record, total=total,
            content_range=request.headers.get("Content-Range", ""), chunk=request.body,
            actor=request.user,
        )  # fmt: skip
    except photos.PhotoRefused as exc:
        if exc.status == 409 and exc.received is not None:
            return Status(409, {"detail": str(exc), "received": exc.received})
        return Status(exc.status, {"detail": str(exc)})
    return _progress(photo)


@router.get("/photos/{photo_id}", response=responses(PhotoOut, 403, 404))
def get_photo(request, photo_id: uuid.UUID):
    """How much of a photo the server holds, to resume its upload."""
    return _progress(photos.of_device(_device(request), photo_id))
