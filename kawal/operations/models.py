"""An operation, its stages and time windows, and the election's contests."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from kawal import raw_reads
from kawal.territory.codes import lies_within
from kawal.territory.models import Region


def _holders(code: str) -> list[str]:
    """The region codes that hold a region, TPS or box `code`, itself included."""
    return [code[:n] for n in (2, 5, 8, 13) if len(code) > n] + [code]


class OperationQuerySet(models.QuerySet["Operation"]):
    def covering(self, code: str) -> "OperationQuerySet":
        """Operations whose region holds the region, TPS or box `code`, newest first."""
        return self.filter(region_id__in=_holders(code)).order_by("-starts_at")

class Operation(models.Model):
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="operations", verbose_name=_("region")
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    timezone = models.CharField(max_length=40, default="Asia/Jakarta", verbose_name=_("timezone"))

    objects = OperationQuerySet.as_manager()

    class Meta:
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    class Kind(models.TextChoices):
        DISTRIBUTION = "distribution", _("logistics distribution")
        QUIET = "quiet", _("quiet period (masa tenang)")
        VOTING = "voting", _("voting and counting")
        RETURN = "return", _("return of ballot boxes")
        RECAP_PPK = "recap_ppk", _("district recapitulation (PPK)")
        RECAP_KPU = "recap_kpu", _("regency recapitulation (KPU)")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="stages", verbose_name=_("operation")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    order = models.PositiveSmallIntegerField(verbose_name=_("order"))
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["operation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "kind"], name="one_stage_of_a_kind"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="stage_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Contest(models.Model):
    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="contests", verbose_name=_("operation")
    )
    code = models.CharField(max_length=3, verbose_name=_("code"))  # BUP, GUB
    name = models.CharField(max_length=100, verbose_name=_("name"))

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["operation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "code"], name="contest_code_per_operation")
        ]

    def __str__(self) -> str:
        return self.code


def default_leg_hours() -> dict[str, float]:
    """How long each leg may take, in hours, before a box in transit is overdue (inferred)."""
    return {
        "kpu_ppk": 8, "ppk_pps": 6, "pps_tps": 4,
        "tps_pps": 4, "pps_ppk": 6, "ppk_kpu": 8,
    }  # fmt: skip


class CustodyRules(models.Model):
    """How the custody rules judge an operation's boxes. Every figure is a default to change."""

    operation = models.OneToOneField(
        Operation,
        on_delete=models.CASCADE,
        related_name="custody_rules",
        verbose_name=_("operation"),
    )
    require_joint_escort = models.BooleanField(
        default=False,
        help_text=_("A departure needs a TNI escort besides the Polri one."),
        verbose_name=_("joint escort required"),
    )
    max_distance_km = models.FloatField(
        default=2.0,
        help_text=_("How far from its TPS or village an event may be recorded."),
        verbose_name=_("maximum distance (km)"),
    )
    leg_hours = models.JSONField(default=default_leg_hours, verbose_name=_("leg hours"))
    # {region code: {leg: hours}} for remote villages or districts; the longest code wins.
    region_leg_hours = models.JSONField(
        default=dict, blank=True, verbose_name=_("leg hours per region")
    )
    seal_by = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "Boxes not sealed by then raise an alert; empty means the end of the voting stage."
        ),
        verbose_name=_("seal by"),
    )
    checkin_distance_m = models.PositiveIntegerField(
        default=300, help_text=_("A check-in farther than this from its post is flagged.")
    )
    require_signatures = models.BooleanField(
        default=False,
        help_text=_("Refuse custody events and check-ins that no enrolled device signed."),
    )
    require_gps = models.BooleanField(
        default=True,
        help_text=_("A departure or arrival recorded without a GPS fix raises a low alert."),
        verbose_name=_("GPS required on departures and arrivals"),
    )

    class Meta:
        verbose_name = _("custody rules")
        verbose_name_plural = _("custody rules")

    def __str__(self) -> str:
        return f"custody rules of {self.operation}"

    def legs_for(self, code: str) -> dict[str, float]:
        """Leg durations for a box or region code, with the most specific override applied."""
        legs = {**default_leg_hours(), **self.leg_hours}
        for region in sorted(self.region_leg_hours, key=len):
            if lies_within(code, region):
                legs.update(self.region_leg_hours[region])
        return legs


def covering_each(codes: Iterable[str]) -> dict[str, Operation]:
    """`Operation.objects.covering(code).first()` for each of `codes` that has one, with its
    custody rules (None where it has none) read beside it: two plain reads, whatever the
    number of codes, on the ledger's hot path (kawal/raw_reads.py)."""
    holders = {code: set(_holders(code)) for code in codes}
    regions = sorted(set().union(*holders.values()))
    if not regions:
        return {}
    operations = raw_reads.instances(
        Operation, f"region_id IN ({raw_reads.marks(regions)})", regions, order="starts_at DESC"
    )
    found: dict[str, Operation] = {}
    for operation in operations:
        for code, held_by in holders.items():
            if operation.region_id in held_by:
                found.setdefault(code, operation)
    covering = {o.pk: o for o in found.values()}
    if covering:
        ids = sorted(covering)
        where = f"operation_id IN ({raw_reads.marks(ids)})"
        rules = {r.operation_id: r for r in raw_reads.instances(CustodyRules, where, ids)}
        cache = Operation.custody_rules.related  # the reverse one-to-one, read here already
        for pk, operation in covering.items():
            cache.set_cached_value(operation, rules.get(pk))
            if pk in rules:
                rules[pk].operation = operation
    return found
