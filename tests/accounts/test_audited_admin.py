"""Every admin screen writes through the audited mixin, so no admin write goes unrecorded."""

from django.contrib import admin

from kawal.accounts.audited_admin import AuditedAdmin
from kawal.accounts.models import AuditEntry
from tests.conftest import logged_in, user


def test_every_registered_model_admin_is_audited():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdmin)
    ]
    assert unaudited == []
    assert {"auth.User", "auth.Group", "territory.TPS"} <= {
        m._meta.label for m in admin.site._registry
    }


def test_a_password_set_in_the_admin_is_one_entry_and_never_holds_the_password(small):
    target = user("observer")
    client = logged_in("administrator")
    before = AuditEntry.objects.count()
    response = client.post(
        f"/admin/auth/user/{target.pk}/password/",
        {"password1": "Kawal-rahasia-2024", "password2": "Kawal-rahasia-2024"},
    )
    assert response.status_code == 302
    entries = list(AuditEntry.objects.order_by("position")[before:])
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [
        ("admin.password", user("administrator").pk, str(target.pk))
    ]
    assert "rahasia" not in str(entries[0].details)
