"""Photos from the field, uploaded in chunks and resumable, apart from their record.

A record never waits for its photo: the photo names the record's UUID and may arrive before
or after it. A chunk must start where the stored part ends; the answer to one that doesn't
says how much is stored, so the phone carries on from there.
"""

import re
import uuid
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.scope import require_personnel
from kawal.field.models import Device, Photo

CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
JPEG_START = b"\xff\xd8\xff"


class PhotoRefused(ValueError):
    """The chunk can't be stored; `status` is the HTTP status, `received` the stored size."""

    def __init__(self, status: int, message: str, received: int | None = None):
        super().__init__(message)
        self.status = status
        self.received = received


def of_device(device: Device, photo_id: uuid.UUID) -> Photo:
    photo = Photo.objects.filter(pk=photo_id, device=device).defer("content").first()
    if photo is None:
        raise Http404(f"no photo {photo_id} from this device")
    return photo


def viewable(user, photo_id: uuid.UUID) -> Photo:
    """A complete photo taken in the caller's area, for command and sector staff: a berita
    acara names people, so observers never see one."""
    scope = require_personnel(user)
    photo = Photo.objects.filter(
        scope.personnel_filter("device__region__code"), pk=photo_id, complete=True
    ).first()
    if photo is None:
        raise Http404(f"no photo {photo_id} in your area")
    return photo


def of_records(record_ids) -> dict[str, list[str]]:
    """The complete photos of each record, by record id: one query."""
    found: dict[str, list[str]] = {}
    for record_id, photo_id in (
        Photo.objects.filter(record_id__in=list(record_ids), complete=True)
        .order_by("created_at")
        .values_list("record_id", "id")
    ):
        found.setdefault(str(record_id), []).append(str(photo_id))
    return found


def _range(header: str, total: int, size: int) -> int:
    """The chunk's first byte, once Content-Range agrees with the query and the body."""
    match = CONTENT_RANGE.match(header or "")
    if match is None:
        raise PhotoRefused(422, "Content-Range must read 'bytes <start>-<end>/<total>'")
    start, end, whole = (int(g) for g in match.groups())
    if whole != total:
        raise PhotoRefused(422, f"Content-Range says {whole} bytes in all, total says {total}")
    if end < start or end >= total:
        raise PhotoRefused(422, f"Content-Range {start}-{end} does not lie within {total} bytes")
    if end - start + 1 != size:
        raise PhotoRefused(
            422, f"Content-Range covers {end - start + 1} bytes but the body holds {size}"
        )
    return start


@transaction.atomic
def receive(
    device: Device, photo_id: uuid.UUID, *, record: str, total: int, content_range: str,
    chunk: bytes, actor, now: datetime | None = None,
) -> Photo:  # fmt: skip
    """Store one chunk of a photo; PhotoRefused says why not."""
    try:
        record_id = uuid.UUID(record)
    except (ValueError, TypeError):
        raise PhotoRefused(422, "record must be the UUID of an event, incident or check-in") from None
    if total <= 0:
        raise PhotoRefused(422, "total must be the photo's size in bytes")
    if total > Photo.MAX_BYTES:
        raise PhotoRefused(413, f"a photo holds at most {Photo.MAX_BYTES // 1024} KB")
    start = _range(content_range, total, len(chunk))
    now = now or timezone.now()
    photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
    if photo is None:
        photo = Photo(
            id=photo_id, record_id=record_id, device=device, total=total, created_at=now
        )
    elif photo.device_id != device.pk:
        raise Http404(f"no photo {photo_id} from this device")
    elif (photo.record_id, photo.total) != (record_id, total):
        raise PhotoRefused(422, "this photo id is stored for another record or size")
    if start != photo.received:
        raise PhotoRefused(
            409, f"the stored part ends at byte {photo.received}", received=photo.received
        )
    if start == 0 and not chunk.startswith(JPEG_START):
        raise PhotoRefused(422, "the photo must be a JPEG")
    photo.content = bytes(photo.content or b"") + chunk
    photo.received += len(chunk)
    photo.complete = photo.received == photo.total
    photo.completed_at = now if photo.complete else None
    if photo._state.adding:
        photo.save()
    else:
        photo.save(update_fields=["content", "received", "complete", "completed_at"])
    if photo.complete:
        audit.record(
            "field.photo", photo, actor=actor, record=str(record_id), bytes=photo.total
        )
    return photo
