from django.contrib import admin

from kawal.accounts.audited_admin import AuditedAdmin
from kawal.planning.models import (
    Absence,
    GuardPattern,
    Plan,
    PlanChange,
    RiskIndicator,
    RiskOverride,
)


@admin.register(GuardPattern)
class GuardPatternAdmin(AuditedAdmin):
    list_display = ("operation", "category", "polri", "tps", "linmas", "tni")


@admin.register(RiskIndicator)
class RiskIndicatorAdmin(AuditedAdmin):
    list_display = ("tps", "indicator", "recorded_by", "recorded_at")
    list_filter = ("indicator",)
    raw_id_fields = ("tps",)


@admin.register(RiskOverride)
class RiskOverrideAdmin(AuditedAdmin):
    list_display = ("tps", "category", "reason", "set_by", "set_at")
    raw_id_fields = ("tps",)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ("operation", "version", "status", "created_at", "approved_by")
    list_filter = ("status",)


@admin.register(Absence)
class AbsenceAdmin(AuditedAdmin):
    list_display = ("member", "operation", "reason", "recorded_at")
    raw_id_fields = ("member",)


@admin.register(PlanChange)
class PlanChangeAdmin(AuditedAdmin):
    list_display = ("plan", "at", "by", "scope", "reason")
