"""Who may see what: a user's roles over regions, turned into query filters.

Every page and API call asks here, and the answer is a Q applied in the query itself,
so a row outside the caller's scope never leaves the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q

from kawal.accounts.models import Role, RoleGrant
from kawal.territory.codes import lies_within, within

# request.user: a signed-in user, or the anonymous one.
Caller = User | AnonymousUser

PERSONNEL_ROLES = frozenset({Role.COMMAND, Role.SECTOR, Role.ADMIN})
# Who acknowledges and resolves alerts: the same roles as see personnel today, but another
# permission. custody/alerts.py enforces it on the action itself.
ALERT_HANDLER_ROLES = frozenset({Role.COMMAND, Role.SECTOR, Role.ADMIN})
# Who runs the ledger check over the API, which recomputes every chain in the region: the
# command center and administrators (observers check checkpoints offline with the proofs).
VERIFY_ROLES = frozenset({Role.COMMAND, Role.ADMIN})
# Who prints box labels, for the boxes of their own region: the command center and sectors.
LABEL_ROLES = frozenset({Role.COMMAND, Role.SECTOR})


def _broadest(codes: Iterable[str]) -> tuple[str, ...]:
    """`codes` without those already inside a broader one of them, sorted."""
    codes = set(codes)
    return tuple(sorted(c for c in codes if not any(c != o and lies_within(c, o) for o in codes)))


@dataclass(frozen=True)
class Scope:
    """A user's grants, each a role over a region. Every permission is a question about one
    region, answered by the roles held over it: a sector user in one district who observes
    the regency sees personnel in that district only (docs/security.md, "Roles and regions")."""

    grants: tuple[tuple[str, str], ...] = ()  # (role, region code)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _ in self.grants)

    @cached_property  # asked per row on hot paths (ingest, listings); a Scope never changes
    def regions(self) -> tuple[str, ...]:
        """The broadest region codes the user holds any role over."""
        return _broadest(code for _, code in self.grants)

    def filter(self, field: str) -> Q:
        """Rows whose hierarchical code `field` lies inside one of the user's regions."""
        regions = self.regions
        if not regions:
            return Q(pk__in=[])
        q = Q()
        for code in regions:
            q |= within(field, code)
        return q

    def covers(self, region_code: str) -> bool:
        return any(lies_within(region_code, code) for code in self.regions)

    def holding(self, roles: Iterable[str]) -> "Scope":
        """The part of this scope where one of `roles` is held."""
        wanted = set(roles)
        return Scope(tuple(g for g in self.grants if g[0] in wanted))

    @cached_property
    def personnel(self) -> "Scope":
        """Where the user may see personnel: the regions of their PERSONNEL_ROLES."""
        return self.holding(PERSONNEL_ROLES)

    def sees_personnel_in(self, region_code: str) -> bool:
        """Whether a personnel role is held over the whole of `region_code`."""
        return self.personnel.covers(region_code)

    def personnel_filter(self, field: str) -> Q:
        """Personnel rows whose code `field` lies where the user may see personnel."""
        return self.personnel.filter(field)

    @cached_property
    def alert_handling(self) -> "Scope":
        """Where the user may acknowledge and resolve alerts: their ALERT_HANDLER_ROLES."""
        return self.holding(ALERT_HANDLER_ROLES)

    def handles_alerts_in(self, region_code: str) -> bool:
        """Whether the user may acknowledge and resolve alerts in `region_code`."""
        return self.alert_handling.covers(region_code)

    @property
    def home(self) -> str | None:
        """The broadest region the user holds: where their pages start."""
        regions = self.regions
        return min(regions, key=len) if regions else None


def scope_of(user: Caller | None) -> Scope:
    if not user or not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_kawal_scope", None)
    if cached is not None:
        return cached
    # By hand: the ORM's compiling of this one-table read costs more than running it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT role, region_id FROM {RoleGrant._meta.db_table} WHERE user_id = %s "
            "ORDER BY role, region_id",
            [user.pk],
        )
        grants = cursor.fetchall()
    return keep(user, grants)


def keep(user: Caller, grants: Iterable[tuple[str, str]]) -> Scope:
    """The scope of `user`'s `grants` (role, region code), ordered by role then region, as
    read in this request: kept for `scope_of`. The bearer check reads them with the token
    (accounts/api_auth.py)."""
    scope = Scope(tuple((role, region) for role, region in grants))
    # Kept on this user object, which lives as long as one request, so grants changed
    # meanwhile are read afresh by the next request. User declares no such attribute.
    user._kawal_scope = scope  # type: ignore[union-attr]
    return scope


def scope_for_roles(user: Caller | None, roles: Iterable[str]) -> Scope:
    """The regions where `user` holds one of `roles` (empty if none)."""
    return scope_of(user).holding(roles)


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


def require_personnel(user: Caller | None, region_code: str | None = None) -> Scope:
    """The caller's scope, or PermissionDenied unless they hold a personnel role over
    `region_code` (without one: over some region, and the caller filters its rows with
    `personnel_filter`)."""
    scope = scope_of(user)
    if region_code is None:
        if not scope.personnel.grants:
            raise PermissionDenied("your role may not see personnel data")
    elif not scope.sees_personnel_in(region_code):
        raise PermissionDenied(f"your role may not see personnel data in {region_code}")
    return scope
