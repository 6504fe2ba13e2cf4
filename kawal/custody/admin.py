from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from kawal.accounts.audited_admin import AuditedAdmin
from kawal.custody.models import Alert, Box, Checkpoint, CustodyEvent
from kawal.operations.models import CustodyRules


@admin.register(Box)
class BoxAdmin(AuditedAdmin):
    list_display = ("code", "kind", "contest", "state", "head_seq", "expected_by")
    list_filter = ("kind", "contest", "state")
    search_fields = ("code",)
    raw_id_fields = ("tps",)
    # The fold and the chain head are the ledger's to keep; editing them here would lie.
    readonly_fields = (
        "state",
        "stop",
        "seals",
        "expected_by",
        "last_occurred_at",
        "head_seq",
        "head_hash",
    )


class ReadOnly(AuditedAdmin):
    """The ledger is append-only: admin shows it and changes nothing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnly):
    list_display = ("box", "seq", "kind", "occurred_at", "place", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("box__code", "id", "document")
    list_select_related = ("box", "recorded_by")


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnly):
    list_display = ("created_at", "size", "root", "reason")
    exclude = ("leaves",)


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    """Alerts are acknowledged and resolved with a note on the command pages and API."""

    list_display = ("raised_at", "box", "rule", "severity", "status")
    list_filter = ("rule", "severity", "status")
    search_fields = ("box__code",)
    list_select_related = ("box",)


@admin.register(CustodyRules)
class CustodyRulesAdmin(AuditedAdmin):
    list_display = (
        "operation", "require_joint_escort", "require_gps", "max_distance_km", "seal_by"
    )
