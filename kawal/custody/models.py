"""Ballot boxes and box-like items, their append-only custody events, alerts and checkpoints."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from kawal.territory.models import TPS


class Box(models.Model):
    class Kind(models.TextChoices):
        BALLOT_BOX = "box", _("ballot box")
        LOT = "lot", _("warehouse lot")
        PACKAGE = "package", _("logistics package")

    class State(models.TextChoices):
        AT_KPU_WAREHOUSE = "at_kpu_warehouse", _("at the KPU warehouse")
        IN_TRANSIT = "in_transit", _("in transit")
        AT_PPK = "at_ppk", _("at the PPK")
        AT_PPS = "at_pps", _("at the PPS")
        AT_TPS = "at_tps", _("at the TPS")
        OPEN = "open", _("open for voting")
        SEALED = "sealed", _("sealed")
        RETURNING = "returning", _("returning")
        AT_PPK_RECAP = "at_ppk_recap", _("at the PPK for recap")
        AT_KPU = "at_kpu", _("at the KPU")

    code = models.CharField(max_length=32, unique=True)  # 35.10.01.2001-001-BUP
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.BALLOT_BOX)
    tps = models.ForeignKey(
        TPS, null=True, blank=True, on_delete=models.PROTECT, related_name="boxes"
    )
    contest = models.CharField(max_length=3, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.AT_KPU_WAREHOUSE)
    # The fold of the box's events (custody/states.py), kept here so an in-order append
    # continues from it instead of re-reading the history. All updated with each append.
    stop = models.CharField(max_length=3, default="kpu")  # the last place level reached
    seals = models.JSONField(default=list, blank=True)  # seals recorded at the last sealing
    expected_by = models.DateTimeField(null=True, blank=True)  # when the current leg is due
    last_occurred_at = models.DateTimeField(null=True, blank=True)
    # The head of the box's hash chain.
    head_seq = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "boxes"
        indexes = [models.Index(fields=["state", "expected_by"], name="box_state_due")]

    def __str__(self) -> str:
        return self.code


def box_code(tps_code: str, contest: str) -> str:
    return f"{tps_code}-{contest}"


class AppendOnlyQuerySet(models.QuerySet):
    """Custody events are only ever appended: the ORM refuses to change or remove them."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("custody events are append-only: record a correction instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("custody events are append-only: record a correction instead")


class CustodyEvent(models.Model):
    class Kind(models.TextChoices):
        DEPARTED = "departed", _("departed")
        ARRIVED = "arrived", _("arrived")
        HANDED_OVER = "handed_over", _("handed over")
        OPENED = "opened", _("opened")
        SEALED = "sealed", _("sealed")
        SEAL_CHECKED = "seal_checked", _("seals checked")
        NOTE = "note", _("note")
        CORRECTION = "correction", _("correction")

    id = models.UUIDField(primary_key=True)  # made by the device, so retries are idempotent
    box = models.ForeignKey(Box, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()  # position in the box's chain: server append order
    kind = models.CharField(max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField()  # on the device
    received_at = models.DateTimeField()  # by the server
    place = models.CharField(max_length=32)  # region or TPS code
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    from_party = models.CharField(max_length=120, blank=True)
    to_party = models.CharField(max_length=120, blank=True)
    escorts = models.JSONField(default=list, blank=True)  # member NRPs
    seals = models.JSONField(default=list, blank=True)
    document = models.CharField(max_length=80, blank=True)  # berita acara number
    note = models.TextField(blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="custody_events"
    )
    # The enrolled phone that signed the event, its signature (base64 r||s over the event as
    # the phone sent it) and, on a handover, the receivers' [{"device", "signature"}].
    # Empty on an unsigned event. Hashed into the chain when present.
    device = models.ForeignKey(
        "field.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    signature = models.TextField(blank=True)
    cosignatures = models.JSONField(default=list, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["box", "seq"]
        constraints = [
            # Two writers can never fork a chain: a second event at the same position fails.
            models.UniqueConstraint(fields=["box", "seq"], name="one_event_per_chain_position"),
        ]

    def __str__(self) -> str:
        return f"{self.box_id}#{self.seq} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("custody events are append-only: record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("custody events are append-only: record a correction instead")


class Alert(models.Model):
    class Severity(models.TextChoices):
        INFO = "info", _("info")
        WARNING = "warning", _("warning")
        CRITICAL = "critical", _("critical")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")

    box = models.ForeignKey(Box, on_delete=models.PROTECT, related_name="alerts")
    event = models.ForeignKey(
        CustodyEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    rule = models.CharField(max_length=20)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    message = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    raised_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "box"], name="alert_status_box")]

    def __str__(self) -> str:
        return f"{self.box_id} {self.rule} {self.status}"


class Checkpoint(models.Model):
    """One digest over every chain's head, as written into the rakor minutes."""

    created_at = models.DateTimeField()
    digest = models.CharField(max_length=64, db_index=True)
    events = models.PositiveIntegerField()
    heads = models.JSONField()  # {box code: [seq, hash]}

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.digest[:12]}"
