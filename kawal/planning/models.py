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
    tps = models.ForeignKey(TPS, on_delete=models.CASCADE, related_name="risk_indicators")
    indicator = models.CharField(max_length=20, choices=Indicator.choices)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("tps", "indicator")
        constraints = (
            models.UniqueConstraint(fields=["tps", "indicator"], name="one_indicator_per_tps"),
        )

    def __str__(self) -> str:
        return f"{self.tps} {self.indicator}"


class RiskOverride(models.Model):
    """A command or sector user's category for a TPS, with the reason; beats the suggestion."""

    tps = models.OneToOneField(TPS, on_delete=models.CASCADE, related_name="risk_override")
    category = models.CharField(max_length=12, choices=TPS.Risk.choices)
    reason = models.CharField(max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tps} {self.category}"


class GuardPattern(models.Model):
    """Polri–TPS–Linmas for one risk category of one operation, e.g. 1-5-10; TNI per post."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="guard_patterns")
    category = models.CharField(max_length=12, choices=TPS.Risk.choices)
    polri = models.PositiveSmallIntegerField()
    tps = models.PositiveSmallIntegerField()
    linmas = models.PositiveSmallIntegerField()
    tni = models.PositiveSmallIntegerField(default=0, help_text=_("TNI per post; 0: TNI does not join"))

    class Meta:
        ordering = ("operation", "category")
        constraints = (
            models.UniqueConstraint(fields=["operation", "category"], name="one_pattern_per_category"),
            models.CheckConstraint(condition=models.Q(tps__gte=1), name="pattern_covers_a_tps"),
        )

    def __str__(self) -> str:
        return f"{self.category} {self.polri}-{self.tps}-{self.linmas}"


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The patterns the plan was made with, as written: {"kurang_rawan": "1-5-10 +0", ...}.
    patterns = models.JSONField(default=dict)

    class Meta:
        ordering = ("operation", "-version")
        constraints = (
            models.UniqueConstraint(fields=["operation", "version"], name="plan_version_per_operation"),
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

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="posts")
    code = models.CharField(max_length=40)  # starts with its district's code: 35.10.01-P001
    kind = models.CharField(max_length=10, choices=Kind.choices)
    stage = models.CharField(max_length=20, choices=Stage.Kind.choices)
    name = models.CharField(max_length=160)
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=12, choices=TPS.Risk.choices, blank=True)
    lat = models.FloatField()
    lng = models.FloatField()
    polri = models.PositiveSmallIntegerField(default=0)
    tni = models.PositiveSmallIntegerField(default=0)
    linmas = models.PositiveSmallIntegerField(default=0)
    # TPS posts: how many Linmas each village sends, {"35.10.01.2001": 6, ...}.
    linmas_by_village = models.JSONField(default=dict, blank=True)
    # Escort routes: legs between real centroids, [{"from": code, "to": code, "km": 4.2}, ...].
    route = models.JSONField(default=list, blank=True)
    tps = models.ManyToManyField(TPS, through="PostTPS", related_name="+")

    class Meta:
        ordering = ("plan", "code")
        constraints = (
            models.UniqueConstraint(fields=["plan", "code"], name="post_code_per_plan"),
        )

    def __str__(self) -> str:
        return self.code


class PostTPS(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_tps")
    tps = models.ForeignKey(TPS, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["post", "tps"], name="tps_once_per_post"),)

    def __str__(self) -> str:
        return f"{self.post_id} {self.tps_id}"


class Assignment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="assignments")
    # The post's stage, repeated so the database itself refuses a double booking.
    stage = models.CharField(max_length=20, choices=Stage.Kind.choices)
    force = models.CharField(max_length=6, choices=Force.choices)
    travel_km = models.FloatField()

    class Meta:
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

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="absences")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="absences")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["operation", "member"], name="one_absence_per_member"),
        )

    def __str__(self) -> str:
        return f"{self.member_id} {self.reason}"


class PlanChange(models.Model):
    """A partial re-plan: what triggered it, which part was re-solved, and the diff."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200)
    scope = models.CharField(max_length=200)  # the region codes that were re-solved
    # [{"post": code, "stage": s, "force": f, "removed": nrp | null, "added": nrp | null}, ...]
    diff = models.JSONField(default=list)

    class Meta:
        ordering = ("plan", "-at", "-id")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.scope} {self.at:%Y-%m-%d %H:%M}"
