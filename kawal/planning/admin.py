from django.contrib import admin

from kawal.planning.models import (
    Absence,
    GuardPattern,
    Plan,
    PlanChange,
    RiskIndicator,
    RiskOverride,
)


@admin.register(GuardPattern)
class GuardPatternAdmin(admin.ModelAdmin):
    list_display = ("operation", "category", "polri", "tps", "linmas", "tni")


@admin.register(RiskIndicator)
class RiskIndicatorAdmin(admin.ModelAdmin):
    list_display = ("tps", "indicator", "recorded_by", "recorded_at")
    list_filter = ("indicator",)
    raw_id_fields = ("tps",)


@admin.register(RiskOverride)
class RiskOverrideAdmin(admin.ModelAdmin):
    list_display = ("tps", "category", "reason", "set_by", "set_at")
    raw_id_fields = ("tps",)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("operation", "version", "status", "created_at", "approved_by")
    list_filter = ("status",)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("member", "operation", "reason", "recorded_at")
    raw_id_fields = ("member",)


@admin.register(PlanChange)
class PlanChangeAdmin(admin.ModelAdmin):
    list_display = ("plan", "at", "by", "scope", "reason")
