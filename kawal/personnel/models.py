"""Units and members of the joint operation: Polri, TNI and Linmas."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kawal.territory.models import Region, Sector


class Force(models.TextChoices):
    POLRI = "polri", "Polri"
    TNI = "tni", "TNI"
    LINMAS = "linmas", "Linmas"


class Unit(models.Model):
    class Kind(models.TextChoices):
        POLRES_HQ = "polres_hq", _("Polres(ta) HQ")
        POLSEK = "polsek", "Polsek"
        BRIMOB = "brimob", "Brimob"
        KODIM = "kodim", "Kodim"
        KORAMIL = "koramil", "Koramil"
        LANAL = "lanal", "Lanal"
        LINMAS = "linmas", "Satlinmas"

    code = models.CharField(max_length=40, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=100, verbose_name=_("name"))
    force = models.CharField(max_length=6, choices=Force.choices, verbose_name=_("force"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    # Where the unit is based: the regency for HQ units, a district for sectors, a village for Linmas.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("region")
    )
    sector = models.OneToOneField(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit",
        verbose_name=_("sector"),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    nrp = models.CharField(
        max_length=20, unique=True, help_text=_("NRP, or NIP/NIK for Linmas"), verbose_name=_("NRP")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    rank = models.CharField(max_length=40, verbose_name=_("rank"))
    force = models.CharField(max_length=6, choices=Force.choices, verbose_name=_("force"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit")
    )
    home_sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("home sector"),
    )
    # The member's home area, used for scope and travel: district, village (Linmas) or regency.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="members", verbose_name=_("region")
    )
    phone = models.CharField(max_length=20, blank=True, verbose_name=_("phone"))

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["nrp"]

    def __str__(self) -> str:
        return f"{self.rank} {self.name} ({self.nrp})"
