from django.contrib import admin

from kawal.accounts.audited_admin import AuditedAdmin
from kawal.territory.models import TPS, Region, Sector


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    exclude = ("boundary",)


@admin.register(TPS)
class TPSAdmin(AuditedAdmin):
    list_display = ("code", "village", "voters", "risk", "address")
    list_filter = ("risk",)
    search_fields = ("code", "address", "village__name")
    raw_id_fields = ("village",)


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "district")
    list_filter = ("kind",)
