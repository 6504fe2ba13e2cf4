"""Incident reports (gangguan kamtibmas) at a TPS or anywhere in a region, and their handling.

An incident's id is made by the reporting device, so a phone may resend its queue freely.
Each step of its handling (reported, acknowledged, handled, closed, reopened) is a row of
IncidentStep: appended only, never changed. The move table lives in workflow.py.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kawal.incidents import workflow
from kawal.territory.models import TPS, Region


class IncidentQuerySet(models.QuerySet):
    def for_feed(self) -> "IncidentQuerySet":
        """Escalated incidents first, then the newest."""
        first = Case(When(ESCALATED, then=Value(0)), default=Value(1), output_field=IntegerField())
        return self.select_related("region", "tps").order_by(first, "-occurred_at", "-received_at")


class Incident(models.Model):
    class Category(models.TextChoices):
        # Polri's daily report: kamtibmas disturbances (the first four), traffic accidents and
        # protests (DOMAIN.md); then the election's own.
        CRIME = "crime", _("crime")
        VIOLATION = "violation", _("violation")
        DISTURBANCE = "disturbance", _("disturbance")
        NATURAL_DISASTER = "natural_disaster", _("natural disaster")
        TRAFFIC_ACCIDENT = "traffic_accident", _("traffic accident")
        PROTEST = "protest", _("protest (unjuk rasa)")
        MONEY_POLITICS = "money_politics", _("money politics")
        INTIMIDATION = "intimidation", _("intimidation")
        LOGISTICS = "logistics", _("damaged or late logistics")
        TPS_DISTURBANCE = "tps_disturbance", _("disturbance at a TPS")
        RECAP_DISTURBANCE = "recap_disturbance", _("disturbance at a recap venue (PPS, PPK, KPU)")

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = workflow.CRITICAL, _("critical")

    class Status(models.TextChoices):
        REPORTED = workflow.REPORTED, _("reported")
        HANDLED = workflow.HANDLED, _("handled")
        CLOSED = workflow.CLOSED, _("closed")

    # Made by the reporting device.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, verbose_name=_("ID"))
    category = models.CharField(max_length=20, choices=Category.choices, verbose_name=_("category"))
    severity = models.CharField(max_length=8, choices=Severity.choices, verbose_name=_("severity"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.REPORTED, verbose_name=_("status")
    )
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))  # on the device
    # When the server got it.
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("received at"))
    # The last step: what `since` reads.
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))
    tps = models.ForeignKey(
        TPS,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("TPS"),
    )
    # The TPS's village when reported at a TPS; scope and the district filters read this.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("region")
    )
    lat = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    lng = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    description = models.TextField(verbose_name=_("description"))
    # Names and phones of the people involved: personnel-grade data, never shown to observers.
    people_involved = models.TextField(blank=True, verbose_name=_("people involved"))
    actions_taken = models.TextField(blank=True, verbose_name=_("actions taken"))
    # Traffic accidents only.
    dead = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("dead"))
    injured = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("injured"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ("-occurred_at",)
        indexes = (
            models.Index(fields=["region", "occurred_at"]),
            models.Index(fields=["updated_at"], name="incident_updated"),
        )

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.region_id} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def place(self) -> str:
        """Where the device said it happened: a TPS code, else a region code."""
        return self.tps.code if self.tps is not None else self.region_id

    @property
    def escalated(self) -> bool:
        return workflow.is_escalated(self.severity, self.acknowledged_at is not None)

    @property
    def actions(self) -> list[str]:
        """What a handler may do with it now."""
        return workflow.allowed(
            status=self.status,
            severity=self.severity,
            acknowledged=self.acknowledged_at is not None,
        )


# A critical incident nobody has acknowledged yet: it leads the command feed and the wall.
ESCALATED = Q(severity=Incident.Severity.CRITICAL, acknowledged_at__isnull=True)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("incident steps are append-only: record a new step instead")

    def delete(self):
        raise PermissionDenied("incident steps are append-only: record a new step instead")


class IncidentStep(models.Model):
    """One step of an incident's handling: who, when, what, and their note."""

    class Action(models.TextChoices):
        REPORT = workflow.REPORT, _("reported")
        ACKNOWLEDGE = workflow.ACKNOWLEDGE, _("acknowledged")
        HANDLE = workflow.HANDLE, _("handled")
        CLOSE = workflow.CLOSE, _("closed")
        REOPEN = workflow.REOPEN, _("reopened")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="steps", verbose_name=_("incident")
    )
    action = models.CharField(max_length=12, choices=Action.choices, verbose_name=_("action"))
    # The incident's status after the step.
    status = models.CharField(
        max_length=8, choices=Incident.Status.choices, verbose_name=_("status")
    )
    at = models.DateTimeField(verbose_name=_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    note = models.TextField(blank=True, verbose_name=_("note"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")
        ordering = ("incident", "at", "id")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("incident steps are append-only: record a new step instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("incident steps are append-only: record a new step instead")
