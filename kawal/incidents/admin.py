from django.contrib import admin

from kawal.accounts.audited_admin import AuditedAdmin
from kawal.incidents.models import Incident, IncidentStep


class StepInline(admin.TabularInline):
    model = IncidentStep
    fields = ("at", "action", "status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # steps are taken through the workflow, which audits them


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ("occurred_at", "category", "severity", "status", "region", "tps", "reported_by")
    list_filter = ("category", "severity", "status")
    search_fields = ("description", "region__code", "tps__code")
    raw_id_fields = ("tps", "region", "reported_by", "acknowledged_by")
    inlines = (StepInline,)
