"""TPS risk indicators and overrides, guarding patterns, and deployment plans."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kawal.operations.models import Operation, Stage
from kawal.personnel.models import Force, Member
from kawal.territory.models import TPS, Region


class Indicator(models.TextChoices):
    """Indicators modelled on Bawaslu's 2024 vulnerability index (DOMAIN.md)."""

    VIOLENCE_HISTORY = "violence_history", _("history of violence")
    INTIMIDATION = "intimidation", _("intimidation of election workers")
    MONEY_POLITICS = "money_politics", _("money politics")
    SARA_INCITEMENT = "sara_incitement", _("SARA incitement")
    NO_INTERNET = "no_internet", _("no internet")
    NO_ELECTRICITY = "no_electricity", _("no electricity")
    HARD_TO_REACH = "hard_to_reach", _("hard to reach")
    DISASTER_PRONE = "disaster_prone", _("disaster-prone")
    LOGISTICS = "logistics", _("logistics short, surplus or late")


class RiskIndicator(models.Model):
    tps = models.ForeignKey(
        TPS, on_delete=models.CASCADE, related_name="risk_indicators", verbose_name=_("TPS")
    )
    indicator = models.CharField(
        max_length=20, choices=Indicator.choices, verbose_name=_("indicator")
    )
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("risk indicator")
        verbose_name_plural = _("risk indicators")
        ordering = ("tps", "indicator")
        constraints = (
            models.UniqueConstraint(fields=["tps", "indicator"], name="one_indicator_per_tps"),
        )

    def __str__(self) -> str:
        return f"{self.tps} {self.indicator}"


class RiskOverride(models.Model):
    """A command or sector user's category for a TPS, with the reason; beats the suggestion."""

    tps = models.OneToOneField(
        TPS, on_delete=models.CASCADE, related_name="risk_override", verbose_name=_("TPS")
    )
    category = models.CharField(max_length=12, choices=TPS.Risk.choices, verbose_name=_("category"))
    reason = models.CharField(max_length=300, verbose_name=_("reason"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(auto_now=True, verbose_name=_("set at"))

    class Meta:
        verbose_name = _("risk override")
        verbose_name_plural = _("risk overrides")

    def __str__(self) -> str:
        return f"{self.tps} {self.category}"


class GuardPattern(models.Model):
    """Polri–TPS–Linmas for one risk category of one operation, e.g. 1-5-10; TNI per post."""

    operation = models.ForeignKey(
        Operation,
        on_delete=models.CASCADE,
        related_name="guard_patterns",
        verbose_name=_("operation"),
    )
    category = models.CharField(max_length=12, choices=TPS.Risk.choices, verbose_name=_("category"))
    polri = models.PositiveSmallIntegerField(verbose_name=_("Polri"))
    tps = models.PositiveSmallIntegerField(verbose_name=_("TPS"))
    linmas = models.PositiveSmallIntegerField(verbose_name=_("Linmas"))
    tni = models.PositiveSmallIntegerField(
        default=0, help_text=_("TNI per post; 0: TNI does not join"), verbose_name=_("TNI")
    )

    class Meta:
        verbose_name = _("guarding pattern")
        verbose_name_plural = _("guarding patterns")
        ordering = ("operation", "category")
        constraints = (
            models.UniqueConstraint(
                fields=["operation", "category"], name="one_pattern_per_category"
            ),
            models.CheckConstraint(condition=models.Q(tps__gte=1), name="pattern_covers_a_tps"),
        )

    def __str__(self) -> str:
        return f"{self.category} {self.polri}-{self.tps}-{self.linmas}"


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="plans", verbose_name=_("operation")
    )
    version = models.PositiveIntegerField(verbose_name=_("version"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # The patterns the plan was made with, as written: {"kurang_rawan": "1-5-10 +0", ...}.
    patterns = models.JSONField(default=dict, verbose_name=_("patterns"))

    class Meta:
        verbose_name = _("deployment plan")
        verbose_name_plural = _("deployment plans")
        ordering = ("operation", "-version")
        constraints = (
            models.UniqueConstraint(
                fields=["operation", "version"], name="plan_version_per_operation"
            ),
        )

    def __str__(self) -> str:
        return f"{self.operation.code} v{self.version} ({self.status})"


class Post(models.Model):
    """A place and time that needs people: a TPS post, an escort team, a warehouse watch."""

    class Kind(models.TextChoices):
        TPS = "tps", _("TPS post")
        ESCORT = "escort", _("escort team")
        WAREHOUSE = "warehouse", _("warehouse watch")
        PATROL = "patrol", _("mobile patrol")
        RESERVE = "reserve", _("reserve")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="posts", verbose_name=_("plan")
    )
    # Starts with its district's code: 35.10.01-P001.
    code = models.CharField(max_length=40, verbose_name=_("code"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    stage = models.CharField(max_length=20, choices=Stage.Kind.choices, verbose_name=_("stage"))
    name = models.CharField(max_length=160, verbose_name=_("name"))
    district = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    category = models.CharField(
        max_length=12, choices=TPS.Risk.choices, blank=True, verbose_name=_("category")
    )
    lat = models.FloatField(verbose_name=_("latitude"))
    lng = models.FloatField(verbose_name=_("longitude"))
    polri = models.PositiveSmallIntegerField(default=0, verbose_name=_("Polri"))
    tni = models.PositiveSmallIntegerField(default=0, verbose_name=_("TNI"))
    linmas = models.PositiveSmallIntegerField(default=0, verbose_name=_("Linmas"))
    # TPS posts: how many Linmas each village sends, {"35.10.01.2001": 6, ...}.
    linmas_by_village = models.JSONField(
        default=dict, blank=True, verbose_name=_("Linmas per village")
    )
    # Escort routes: legs between real centroids, [{"from": code, "to": code, "km": 4.2}, ...].
    route = models.JSONField(default=list, blank=True, verbose_name=_("route"))
    tps = models.ManyToManyField(TPS, through="PostTPS", related_name="+", verbose_name=_("TPS"))

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ("plan", "code")
        constraints = (models.UniqueConstraint(fields=["plan", "code"], name="post_code_per_plan"),)

    def __str__(self) -> str:
        return self.code


class PostTPS(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="post_tps", verbose_name=_("post")
    )
    tps = models.ForeignKey(TPS, on_delete=models.PROTECT, related_name="+", verbose_name=_("TPS"))

    class Meta:
        verbose_name = _("TPS of a post")
        verbose_name_plural = _("TPS of posts")
        constraints = (models.UniqueConstraint(fields=["post", "tps"], name="tps_once_per_post"),)

    def __str__(self) -> str:
        return f"{self.post_id} {self.tps_id}"


class Assignment(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("plan")
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("post")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("member")
    )
    # The post's stage, repeated so the database itself refuses a double booking.
    stage = models.CharField(max_length=20, choices=Stage.Kind.choices, verbose_name=_("stage"))
    force = models.CharField(max_length=6, choices=Force.choices, verbose_name=_("force"))
    travel_km = models.FloatField(verbose_name=_("travel (km)"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("post", "member")
        constraints = (
            models.UniqueConstraint(
                fields=["plan", "member", "stage"], name="one_post_per_member_per_shift"
            ),
        )

    def __str__(self) -> str:
        return f"{self.member_id} → {self.post_id}"


class Absence(models.Model):
    """A member who can't serve in an operation (sick, reassigned): the planner leaves them out."""

    class Reason(models.TextChoices):
        SICK = "sick", _("sick")
        REASSIGNED = "reassigned", _("reassigned")
        LEAVE = "leave", _("on leave")
        OTHER = "other", _("other")

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="absences", verbose_name=_("operation")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="absences", verbose_name=_("member")
    )
    reason = models.CharField(max_length=12, choices=Reason.choices, verbose_name=_("reason"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = (
            models.UniqueConstraint(fields=["operation", "member"], name="one_absence_per_member"),
        )

    def __str__(self) -> str:
        return f"{self.member_id} {self.reason}"


class PlanChange(models.Model):
    """A partial re-plan: what triggered it, which part was re-solved, and the diff."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("plan")
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(max_length=200, verbose_name=_("reason"))
    # The region codes that were re-solved.
    scope = models.CharField(max_length=200, verbose_name=_("scope"))
    # [{"post": code, "stage": s, "force": f, "removed": nrp | null, "added": nrp | null}, ...]
    diff = models.JSONField(default=list, verbose_name=_("diff"))

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ("plan", "-at", "-id")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.scope} {self.at:%Y-%m-%d %H:%M}"
