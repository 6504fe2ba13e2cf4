"""Incident reports (gangguan kamtibmas) at or near a TPS, or anywhere in a region."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kawal.territory.models import TPS, Region


class Incident(models.Model):
    class Kind(models.TextChoices):
        # Polri's daily report splits kamtibmas disturbances into these (DOMAIN.md).
        CRIME = "crime", _("crime")
        VIOLATION = "violation", _("violation")
        DISTURBANCE = "disturbance", _("disturbance")
        NATURAL_DISASTER = "natural_disaster", _("natural disaster")
        TRAFFIC_ACCIDENT = "traffic_accident", _("traffic accident")
        PROTEST = "protest", _("protest (unjuk rasa)")
        MONEY_POLITICS = "money_politics", _("money politics")
        LOGISTICS = "logistics", _("damaged or late logistics")

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.CharField(max_length=6, choices=Severity.choices)
    occurred_at = models.DateTimeField()
    tps = models.ForeignKey(
        TPS, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="incidents")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    description = models.TextField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-occurred_at",)
        indexes = (models.Index(fields=["region", "occurred_at"]),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.region_id} {self.occurred_at:%Y-%m-%d %H:%M}"
