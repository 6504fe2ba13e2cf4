"""Reading the audit log: who may see which entries, and the page's filters.

A command or admin user over regions S sees an entry when
- its region (where its target lies) is within S; or
- it has no region, and its actor holds a role within S (their sign-ins, their batches);
- and, for the admin role only, the system's own entries: no region and no actor
  (checkpoints, backups, failed sign-ins).
An entry whose region lies outside S is never shown, whoever made it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from kawal.accounts.models import AuditEntry, Role, RoleGrant
from kawal.accounts.scope import Caller, require_roles

READER_ROLES = (Role.COMMAND, Role.ADMIN)
WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Filters:
    actor: str = ""  # a username
    action: str = ""  # an action, or the start of one: "alert" finds alert.acknowledged
    target: str = ""  # a target's id, or its type (custody.Alert)
    since: date | None = None  # WIB days, both ends included
    until: date | None = None


def visible(user: Caller) -> QuerySet[AuditEntry]:
    """The entries `user` may read; PermissionDenied unless they hold command or admin."""
    scope = require_roles(user, READER_ROLES, "only command and admin staff read the audit log")
    in_scope = RoleGrant.objects.filter(scope.filter("region__code")).values("user_id")
    shown = scope.filter("region") | Q(region="", actor_id__in=in_scope)
    if Role.ADMIN in scope.roles:
        shown |= Q(region="", actor__isnull=True)
    return AuditEntry.objects.filter(shown)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=WIB)


def listing(user: Caller, filters: Filters) -> QuerySet[AuditEntry]:
    """What `user` may read, filtered, newest first."""
    entries = visible(user)
    if filters.actor:
        entries = entries.filter(actor__username=filters.actor)
    if filters.action:
        entries = entries.filter(Q(action=filters.action) | Q(action__startswith=f"{filters.action}."))
    if filters.target:
        entries = entries.filter(Q(target_id=filters.target) | Q(target_type=filters.target))
    if filters.since:
        entries = entries.filter(at__gte=_day_start(filters.since))
    if filters.until:
        entries = entries.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return entries.select_related("actor").order_by("-position")
