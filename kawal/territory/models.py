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

    code = models.CharField(max_length=13, primary_key=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    level = models.CharField(max_length=10, choices=Level.choices, verbose_name=_("level"))
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True, verbose_name=_("kind"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    lat = models.FloatField(verbose_name=_("latitude"))
    lng = models.FloatField(verbose_name=_("longitude"))
    # GeoJSON geometry (MultiPolygon), as shipped in kawal/demo/data.
    boundary = models.JSONField(null=True, blank=True, verbose_name=_("boundary"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TPS(models.Model):
    class Risk(models.TextChoices):
        KURANG_RAWAN = "kurang_rawan", _("kurang rawan")
        RAWAN = "rawan", _("rawan")
        SANGAT_RAWAN = "sangat_rawan", _("sangat rawan")
        KHUSUS = "khusus", _("khusus")

    code = models.CharField(max_length=17, unique=True, verbose_name=_("code"))  # 35.10.01.2001-001
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="tps", verbose_name=_("village")
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    voters = models.PositiveIntegerField(verbose_name=_("voters"))
    address = models.CharField(max_length=200, verbose_name=_("address"))
    lat = models.FloatField(verbose_name=_("latitude"))
    lng = models.FloatField(verbose_name=_("longitude"))
    risk = models.CharField(
        max_length=12, choices=Risk.choices, default=Risk.KURANG_RAWAN, verbose_name=_("risk")
    )

    class Meta:
        verbose_name = _("TPS")
        verbose_name_plural = _("TPS")
        ordering = ["code"]
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

    code = models.CharField(max_length=40, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    district = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="sectors", verbose_name=_("district")
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name
