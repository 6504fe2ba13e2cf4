"""Regions (Kemendagri codes and boundaries), TPS, and the police and army sectors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINSI = "provinsi", _("provinsi")
        KABUPATEN = "kabupaten", _("kabupaten")
        KECAMATAN = "kecamatan", _("kecamatan")
        DESA = "desa", _("desa/kelurahan")

    class Kind(models.TextChoices):
        DESA = "desa", _("desa")
        KELURAHAN = "kelurahan", _("kelurahan")

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=10, choices=Level.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    lat = models.FloatField()
    lng = models.FloatField()
    # GeoJSON geometry (MultiPolygon), as shipped in kawal/demo/data.
    boundary = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TPS(models.Model):
    class Risk(models.TextChoices):
        KURANG_RAWAN = "kurang_rawan", _("kurang rawan")
        RAWAN = "rawan", _("rawan")
        SANGAT_RAWAN = "sangat_rawan", _("sangat rawan")
        KHUSUS = "khusus", _("khusus")

    code = models.CharField(max_length=17, unique=True)  # 35.10.01.2001-001
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="tps")
    number = models.PositiveSmallIntegerField()
    voters = models.PositiveIntegerField()
    address = models.CharField(max_length=200)
    lat = models.FloatField()
    lng = models.FloatField()
    risk = models.CharField(max_length=12, choices=Risk.choices, default=Risk.KURANG_RAWAN)

    class Meta:
        ordering = ["code"]
        verbose_name = "TPS"
        verbose_name_plural = "TPS"
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="tps_number_per_village"),
            models.CheckConstraint(condition=models.Q(voters__lte=600), name="tps_max_600_voters"),
        ]

    def __str__(self) -> str:
        return self.code


class Sector(models.Model):
    """A Polsek or Koramil: the territorial command of a district (or the port)."""

    class Kind(models.TextChoices):
        POLSEK = "polsek", "Polsek"
        KORAMIL = "koramil", "Koramil"

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sectors")

    class Meta:
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name
