"""Who may see what: a user's roles over regions, turned into query filters.

Every page and API call asks here, and the answer is a Q applied in the query itself,
so a row outside the caller's scope never leaves the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from kawal.accounts.models import Role, RoleGrant
from kawal.territory.codes import lies_within, within

# request.user: a signed-in user, or the anonymous one.
Caller = User | AnonymousUser

PERSONNEL_ROLES = {Role.COMMAND, Role.SECTOR, Role.ADMIN}
# Who acknowledges and resolves alerts: the same roles as see personnel today, but another
# permission. custody/alerts.py enforces it on the action itself.
ALERT_HANDLER_ROLES = {Role.COMMAND, Role.SECTOR, Role.ADMIN}
# Who runs the ledger check over the API, which recomputes every chain in the region: the
# command center and administrators (observers check checkpoints offline with the proofs).
VERIFY_ROLES = {Role.COMMAND, Role.ADMIN}
# Who prints box labels, for the boxes of their own region: the command center and sectors.
LABEL_ROLES = {Role.COMMAND, Role.SECTOR}


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str]
    regions: tuple[str, ...]  # region codes the user holds any role over

    def filter(self, field: str) -> Q:
        """Rows whose hierarchical code `field` lies inside one of the user's regions."""
        if not self.regions:
            return Q(pk__in=[])
        q = Q()
        for code in self.regions:
            q |= within(field, code)
        return q

    def covers(self, region_code: str) -> bool:
        return any(lies_within(region_code, code) for code in self.regions)

    @property
    def sees_personnel(self) -> bool:
        return bool(self.roles & PERSONNEL_ROLES)

    @property
    def handles_alerts(self) -> bool:
        """Whether the pages offer to acknowledge and resolve alerts."""
        return bool(self.roles & ALERT_HANDLER_ROLES)

    @property
    def home(self) -> str | None:
        """The broadest region the user holds: where their pages start."""
        return min(self.regions, key=len) if self.regions else None


def scope_of(user: Caller | None) -> Scope:
    if not user or not user.is_authenticated:
        return Scope(frozenset(), ())
    cached = getattr(user, "_kawal_scope", None)
    if cached is not None:
        return cached
    grants = list(RoleGrant.objects.filter(user=user).values_list("role", "region_id"))
    regions = {code for _, code in grants}
    # Drop regions already inside a broader one the user holds.
    broadest = tuple(
        sorted(c for c in regions if not any(c != o and lies_within(c, o) for o in regions))
    )
    scope = Scope(frozenset(r for r, _ in grants), broadest)
    # Kept on this user object, which lives as long as one request, so grants changed
    # meanwhile are read afresh by the next request. User declares no such attribute.
    user._kawal_scope = scope  # type: ignore[attr-defined]
    return scope


def scope_for_roles(user: Caller | None, roles: Iterable[str]) -> Scope:
    """The regions where `user` holds one of `roles` (empty if none)."""
    if not user or not user.is_authenticated:
        return Scope(frozenset(), ())
    grants = list(
        RoleGrant.objects.filter(user=user, role__in=roles).values_list("role", "region_id")
    )
    return Scope(frozenset(r for r, _ in grants), tuple(sorted({c for _, c in grants})))


def require_roles(
    user: Caller | None, roles: Iterable[str], refusal: str, region_code: str | None = None
) -> Scope:
    """Like `scope_for_roles`, but PermissionDenied(refusal) unless it holds something
    (and, given `region_code`, unless it covers that region)."""
    scope = scope_for_roles(user, roles)
    if not scope.regions or (region_code is not None and not scope.covers(region_code)):
        raise PermissionDenied(refusal)
    return scope


def require_region(user: Caller | None, region_code: str) -> Scope:
    scope = scope_of(user)
    if not scope.covers(region_code):
        raise PermissionDenied(f"region {region_code} is outside your scope")
    return scope


def require_personnel(user: Caller | None) -> Scope:
    scope = scope_of(user)
    if not scope.sees_personnel:
        raise PermissionDenied("your role may not see personnel data")
    return scope
