"""Moving an incident through its workflow (workflow.py): acknowledge, handle, close, reopen.

Only command and sector staff move incidents, and only those in their regions: the scope is
part of the query that locks the incident, so one outside it is simply not found.
"""

import uuid
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.scope import require_roles, scope_for_roles
from kawal.incidents import workflow
from kawal.incidents.models import Incident, IncidentStep

HANDLER_ROLES = (Role.COMMAND, Role.SECTOR)


def handles(user, region_code: str) -> bool:
    """Whether the user may move the incidents of `region_code`."""
    return scope_for_roles(user, HANDLER_ROLES).covers(region_code)


@transaction.atomic
def do_move(
    incident_id: uuid.UUID, action: str, note: str, *, acting_user, now: datetime | None = None
) -> Incident:
    """Take one step of the incident's workflow, with a note; recorded and audited.

    Raises PermissionDenied for a role that doesn't handle incidents, Http404 for an incident
    outside the user's scope, and workflow.Invalid or workflow.Refused for a move not allowed.
    """
    scope = require_roles(
        acting_user, HANDLER_ROLES, "only command and sector staff handle incidents"
    )
    incident = (
        Incident.objects.select_for_update()
        .filter(scope.filter("region__code"), pk=incident_id)
        .first()
    )
    if incident is None:
        raise Http404(f"no incident {incident_id} in your scope")
    step = workflow.move(
        action, status=incident.status, severity=incident.severity,
        acknowledged=incident.acknowledged_at is not None, note=note,
    )  # fmt: skip
    now = now or timezone.now()
    changed = {"status": step.status, "updated_at": now}
    if step.acknowledges:
        changed |= {"acknowledged_at": now, "acknowledged_by": acting_user}
    # Written without model signals, so the action is audited once, by name, with its actor.
    Incident.objects.filter(pk=incident.pk).update(**changed)
    for name, value in changed.items():
        setattr(incident, name, value)
    IncidentStep.objects.bulk_create([IncidentStep(
        incident=incident, action=action, status=step.status, at=now, actor=acting_user,
        note=note.strip(),
    )])  # fmt: skip
    audit.record(
        f"incident.{action}", incident, actor=acting_user, status=step.status, note=note.strip()
    )
    return incident
