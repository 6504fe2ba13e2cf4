from django.contrib import admin

from kawal.incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "severity", "region", "tps", "reported_by")
    list_filter = ("kind", "severity")
    search_fields = ("description", "region__code", "tps__code")
    raw_id_fields = ("tps", "region", "reported_by")
