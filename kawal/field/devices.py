"""Provisioning field devices: one-time enrolment codes, enrolment, the device list, revoking.

A sector or command user issues a code for one member and one region; the phone trades it,
with its public key, for a token. The token acts as a field user made for exactly that
member and region (role `field` over the region, no password), so a device can never act
outside them, and revoking the device revokes its token at once.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.models import ApiToken, Role, RoleGrant
from kawal.accounts.scope import Scope, require_roles
from kawal.field import signatures
from kawal.field.models import Device, EnrolmentCode
from kawal.personnel.models import Member
from kawal.territory.models import Region

ISSUE_ROLES = (Role.SECTOR, Role.COMMAND)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to mistype
CODE_LENGTH = 12  # 60 bits: guessing one in its 15 minutes is hopeless
CODE_LIFETIME = timedelta(minutes=15)
LABEL_LENGTH = 60
SYNC_NOTED_EVERY = timedelta(minutes=1)  # how fresh the device list's "last sync" is


class EnrolmentRefused(ValueError):
    """The code can't enrol a device; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Issued:
    code: str  # shown once: as a QR code and as text
    expires_at: datetime
    member: Member
    region: Region

    @property
    def grouped(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


def manager_scope(user) -> Scope:
    """Where `user` may issue, list and revoke devices: sector or command roles only."""
    return require_roles(user, ISSUE_ROLES, "only sector or command staff manage field devices")


def normalised(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(normalised(code).encode()).hexdigest()


@transaction.atomic
def issue_code(*, nrp: str, region_code: str, actor, now: datetime | None = None) -> Issued:
    """A one-time enrolment code for the member `nrp` in `region_code`, valid 15 minutes."""
    scope = manager_scope(actor)
    region = Region.objects.filter(scope.filter("code"), code=region_code).first()
    if region is None or region.level == Region.Level.PROVINSI:
        raise ValidationError({"region": f"region {region_code} is not a region in your area"})
    member = Member.objects.filter(scope.filter("region__code"), nrp=nrp).first()
    if member is None:
        raise ValidationError({"nrp": f"no member with NRP {nrp} serves in your area"})
    now = now or timezone.now()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = EnrolmentCode.objects.create(
        digest=_digest(code), member=member, region=region, issued_by=actor,
        issued_at=now, expires_at=now + CODE_LIFETIME,
    )  # fmt: skip
    audit.record("field.issue", row, actor=actor, member=nrp, region=region.code)
    return Issued(code, row.expires_at, member, region)


def _field_user(member: Member, region: Region):
    """The user a device of `member` in `region` acts as: role `field` over the region only."""
    user, created = get_user_model().objects.get_or_create(
        username=f"field-{member.nrp}-{region.code}",
        defaults={"first_name": member.name[:150]},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        RoleGrant.objects.create(user=user, role=Role.FIELD, region=region)
    return user


@transaction.atomic
def enrol(code: str, public_key: str, label: str = "", *, now: datetime | None = None):
    """Trade a one-time code and the phone's public key for (device, token).

    EnrolmentRefused for an unknown (400), used or expired (410) code; ValidationError naming
    the field for a bad key or label. Nothing is used up unless the device is enrolled.
    """
    now = now or timezone.now()
    row = (
        EnrolmentCode.objects.select_for_update()
        .select_related("member", "region")
        .filter(digest=_digest(code or ""))
        .first()
    )
    if row is None:
        raise EnrolmentRefused(400, "unknown enrolment code: check it, or ask for a new one")
    if row.used_at is not None:
        raise EnrolmentRefused(410, "this enrolment code was already used: ask for a new one")
    if row.expires_at <= now:
        raise EnrolmentRefused(410, "this enrolment code has expired: ask for a new one")
    try:
        signatures.public_key(public_key)
    except signatures.BadSignature as exc:
        raise ValidationError({"public_key": str(exc)}) from None
    if len(label) > LABEL_LENGTH:
        raise ValidationError({"label": f"label is longer than {LABEL_LENGTH} characters"})
    user = _field_user(row.member, row.region)
    token_row, token = ApiToken.issue(user)
    device = Device.objects.create(
        id=uuid.uuid4(), member=row.member, region=row.region, label=label,
        public_key=public_key, user=user, token=token_row, enrolment=row, enrolled_at=now,
    )  # fmt: skip
    row.used_at = now
    row.save(update_fields=["used_at"])
    audit.record(
        "field.enrol", device, actor=user, member=row.member.nrp, region=row.region_id
    )
    return device, token


def in_scope(user) -> QuerySet[Device]:
    """The devices in the regions where `user` manages devices, newest first."""
    scope = manager_scope(user)
    return (
        Device.objects.filter(scope.filter("region__code"))
        .select_related("member", "region")
        .order_by("-enrolled_at")
    )


@transaction.atomic
def revoke(device_id: uuid.UUID, *, actor, now: datetime | None = None) -> Device:
    """Stop a device at once: its token is refused from the next request on."""
    scope = manager_scope(actor)
    device = (
        Device.objects.select_for_update().filter(scope.filter("region__code"), pk=device_id).first()
    )
    if device is None:
        raise Http404(f"no device {device_id} in your area")
    if device.revoked_at is None:
        device.revoked_at = now or timezone.now()
        device.revoked_by = actor
        device.save(update_fields=["revoked_at", "revoked_by"])
        ApiToken.objects.filter(pk=device.token_id).update(revoked=True)
        audit.record("field.revoke", device, actor=actor, member=device.member.nrp)
    return device


def note_sync(device: Device, pending: int | None, now: datetime | None = None) -> None:
    """Keep the device's last contact and the count still queued on it, for the list: written
    when the count changes, and otherwise once a minute, which keeps a write off most syncs."""
    now = now or timezone.now()
    fresh = device.last_sync_at is not None and now - device.last_sync_at < SYNC_NOTED_EVERY
    if fresh and (pending is None or pending == device.pending):
        return
    changes: dict[str, object] = {"last_sync_at": now}
    if pending is not None:
        changes["pending"] = pending
    Device.objects.filter(pk=device.pk).update(**changes)
    for name, value in changes.items():
        setattr(device, name, value)
