"""Field devices and what they send: enrolment codes, devices, check-ins and photos."""

import uuid

from django.conf import settings
from django.db import models

from kawal.accounts.models import ApiToken
from kawal.personnel.models import Member
from kawal.planning.models import Assignment, Post
from kawal.territory.models import Region


class EnrolmentCode(models.Model):
    """A one-time code that enrols one phone for one member in one region. Only its
    SHA-256 is stored; the code itself is shown once, as a QR code and as text."""

    digest = models.CharField(max_length=64, unique=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.member_id} {self.region_id} until {self.expires_at:%H:%M}"


class Device(models.Model):
    """An officer's phone: its public key, and the token it syncs with.

    The token belongs to a field user made for exactly this member and region (role `field`
    over `region` and nothing else), so whatever the token does stays inside them. Revoking
    the device revokes the token in the same transaction.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="devices")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=60, blank=True)
    public_key = models.TextField()  # base64 SPKI of an ECDSA P-256 key
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="devices"
    )
    token = models.OneToOneField(ApiToken, on_delete=models.PROTECT, related_name="device")
    enrolment = models.OneToOneField(
        EnrolmentCode, on_delete=models.PROTECT, related_name="device"
    )
    enrolled_at = models.DateTimeField()
    last_sync_at = models.DateTimeField(null=True, blank=True)
    pending = models.PositiveIntegerField(default=0)  # records still queued on the phone
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-enrolled_at"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.region_id} {str(self.id)[:8]}"


class CheckIn(models.Model):
    """A member at their post: when and where the phone said, and how far from the post."""

    id = models.UUIDField(primary_key=True)  # made by the phone, so retries are idempotent
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="checkins")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="checkins")
    # A re-plan may remove the assignment; the post and stage it was for stay.
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    stage = models.CharField(max_length=20, blank=True)
    occurred_at = models.DateTimeField()  # on the phone
    received_at = models.DateTimeField()  # by the server
    lat = models.FloatField()
    lng = models.FloatField()
    distance_m = models.PositiveIntegerField(null=True, blank=True)  # to the post
    far = models.BooleanField(default=False)  # farther than the operation allows
    signature = models.TextField(blank=True)  # base64 r||s; empty: unsigned

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["post", "member"], name="checkin_post_member")]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.post_id} {self.occurred_at:%Y-%m-%d %H:%M}"


class Photo(models.Model):
    """A photo (a berita acara, an incident) uploaded in chunks, resumable, for one record."""

    MAX_BYTES = 400 * 1024

    id = models.UUIDField(primary_key=True)
    record_id = models.UUIDField(db_index=True)  # a custody event, an incident or a check-in
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="photos")
    total = models.PositiveIntegerField()
    received = models.PositiveIntegerField(default=0)
    content = models.BinaryField(default=b"")
    complete = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"photo {self.id} of {self.record_id} {self.received}/{self.total}"
