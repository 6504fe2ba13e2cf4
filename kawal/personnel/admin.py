from django.contrib import admin

from kawal.accounts.audited_admin import AuditedAdmin
from kawal.personnel.models import Member, Unit


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "force", "kind", "region")
    list_filter = ("force", "kind")
    search_fields = ("code", "name")


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = ("nrp", "name", "rank", "force", "unit", "region")
    list_filter = ("force", "unit__kind")
    search_fields = ("nrp", "name")
    raw_id_fields = ("unit", "home_sector", "region")
