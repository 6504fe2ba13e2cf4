from django.contrib import admin

from kawal.accounts.audited_admin import AuditedAdmin
from kawal.operations.models import Contest, Operation, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


class ContestInline(admin.TabularInline):
    model = Contest
    extra = 0


@admin.register(Operation)
class OperationAdmin(AuditedAdmin):
    list_display = ("name", "region", "starts_at", "ends_at")
    inlines = [StageInline, ContestInline]
