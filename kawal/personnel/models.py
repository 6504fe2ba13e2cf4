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

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    force = models.CharField(max_length=6, choices=Force.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Where the unit is based: the regency for HQ units, a district for sectors, a village for Linmas.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    sector = models.OneToOneField(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="unit"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    nrp = models.CharField(max_length=20, unique=True, help_text=_("NRP, or NIP/NIK for Linmas"))
    name = models.CharField(max_length=100)
    rank = models.CharField(max_length=40)
    force = models.CharField(max_length=6, choices=Force.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members")
    home_sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # The member's home area, used for scope and travel: district, village (Linmas) or regency.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="members")
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["nrp"]

    def __str__(self) -> str:
        return f"{self.rank} {self.name} ({self.nrp})"
