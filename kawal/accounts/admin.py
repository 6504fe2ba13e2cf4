from django.contrib import admin

from kawal.accounts.audited_admin import AuditedAdmin, register_others
from kawal.accounts.models import ApiToken, AuditEntry, RoleGrant


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    list_display = ("user", "role", "region")
    list_filter = ("role",)
    raw_id_fields = ("region",)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("user", "prefix", "created_at", "last_used_at", "expires_at", "revoked")
    fields = ("user", "prefix", "created_at", "last_used_at", "expires_at", "revoked")
    readonly_fields = ("user", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # tokens are issued with `kawal token create`, which shows them once


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


register_others()
