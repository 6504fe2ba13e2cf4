"""Django admin writes, audited: one entry per add, change or delete, by the admin's user.

Every ModelAdmin on the site derives from `AuditedAdmin` (tests/accounts/test_audited_admin.py
walks the registry). Django's own and django-axes' admins are registered again here with it.
"""

from typing import Any

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from kawal.accounts import audit


class AuditedAdmin(admin.ModelAdmin):
    """Records each admin write in the audit log, in the transaction that makes it."""

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        # After save_model and the inlines: one entry for the whole form, inlines included.
        super().save_related(request, form, formsets, change)
        inlines = {
            fs.model._meta.label: len(fs.new_objects) + len(fs.changed_objects)
            + len(fs.deleted_objects)
            for fs in formsets
            if fs.new_objects or fs.changed_objects or fs.deleted_objects
        }  # fmt: skip
        audit.record(
            "admin.change" if change else "admin.add", form.instance, actor=request.user,
            fields=sorted(form.changed_data), inlines=inlines,
        )  # fmt: skip

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        # Recorded first, while the row still has its id and its region.
        audit.record("admin.delete", obj, actor=request.user, shown=str(obj)[:200])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        audit.record(
            "admin.delete", actor=request.user, model=queryset.model._meta.label,
            ids=[str(pk) for pk in queryset.values_list("pk", flat=True)],
        )  # fmt: skip
        super().delete_queryset(request, queryset)


class UserAdmin(AuditedAdmin, auth_admin.UserAdmin):
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        # A saved form redirects; the form shown again (GET, or errors) changed nothing.
        if request.method == "POST" and response.status_code == 302:
            audit.record("admin.password", User.objects.get(pk=id), actor=request.user)
        return response


class GroupAdmin(AuditedAdmin, auth_admin.GroupAdmin):
    pass


class AccessAttemptAdmin(AuditedAdmin, axes_admin.AccessAttemptAdmin):
    actions = ()  # its clean-up action deletes past delete_queryset; delete_selected stays


class AccessLogAdmin(AuditedAdmin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(AuditedAdmin, axes_admin.AccessFailureLogAdmin):
    pass


def register_others() -> None:
    """Put audited admins in place of the ones Django and django-axes register."""
    for model, model_admin in (
        (User, UserAdmin),
        (Group, GroupAdmin),
        (AccessAttempt, AccessAttemptAdmin),
        (AccessLog, AccessLogAdmin),
        (AccessFailureLog, AccessFailureLogAdmin),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)
