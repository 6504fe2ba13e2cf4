"""Ballot boxes and box-like items whose custody Kawal records."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kawal.territory.models import TPS


class Box(models.Model):
    class Kind(models.TextChoices):
        BALLOT_BOX = "box", _("kotak suara")
        LOT = "lot", _("lot gudang")
        PACKAGE = "package", _("paket logistik")

    class State(models.TextChoices):
        AT_KPU_WAREHOUSE = "at_kpu_warehouse", _("di gudang KPU")
        IN_TRANSIT = "in_transit", _("dalam perjalanan")
        AT_PPK = "at_ppk", _("di PPK")
        AT_PPS = "at_pps", _("di PPS")
        AT_TPS = "at_tps", _("di TPS")
        OPEN = "open", _("dibuka untuk pemungutan")
        SEALED = "sealed", _("disegel")
        RETURNING = "returning", _("kembali")
        AT_PPK_RECAP = "at_ppk_recap", _("di PPK untuk rekapitulasi")
        AT_KPU = "at_kpu", _("di KPU")

    code = models.CharField(max_length=32, unique=True)  # 35.10.01.2001-001-BUP
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.BALLOT_BOX)
    tps = models.ForeignKey(TPS, null=True, blank=True, on_delete=models.PROTECT, related_name="boxes")
    contest = models.CharField(max_length=3, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.AT_KPU_WAREHOUSE)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "boxes"

    def __str__(self) -> str:
        return self.code


def box_code(tps_code: str, contest: str) -> str:
    return f"{tps_code}-{contest}"
