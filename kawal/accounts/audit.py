"""The audit log: one call at the place where a change happens.

Model saves and deletes in Kawal's apps (pages, admin, API) are recorded by signal with the
actor of the current request. Bulk writes (imports, the demo, custody batches) bypass
signals, so their services call `record()` once per transaction.
"""

from contextvars import ContextVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

current_actor: ContextVar[User | AnonymousUser | None] = ContextVar("kawal_audit_actor", default=None)


def record(
    action: str,
    target: models.Model | None = None,
    *,
    actor: User | None = None,
    **details: object,
) -> None:
    from kawal.accounts.models import AuditEntry
    from kawal.custody import log

    who = actor if actor is not None else current_actor.get()
    # The entry takes the next place in the custody Merkle log, whose lock the enclosing
    # transaction then holds until it ends.
    with transaction.atomic():
        AuditEntry.objects.create(
            actor=who if (who is not None and who.is_authenticated) else None,
            action=action,
            target_type=target._meta.label if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            details=details,
            position=log.next_position(),
        )


def _audited(sender: type[models.Model]) -> bool:
    if sender._meta.label == "accounts.AuditEntry":
        return False
    return sender.__module__.startswith("kawal.") or sender._meta.app_label == "auth"


def _on_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    raw: bool = False,
    **kwargs: object,
) -> None:
    if raw or not _audited(sender):
        return
    record("create" if created else "update", instance)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    if _audited(sender):
        record("delete", instance)


def connect() -> None:
    post_save.connect(_on_save, dispatch_uid="kawal_audit_save")
    post_delete.connect(_on_delete, dispatch_uid="kawal_audit_delete")
