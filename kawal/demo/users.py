"""The demo users named in DESIGN.md, one per role, and their logins."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db.models import Q
from django.utils.text import slugify

from kawal.accounts.models import ApiToken, Role, RoleGrant
from kawal.territory.models import Region

DEMO_PASSWORD = "kawal-demo"
FIELD_DISTRICT = "35.10.16"  # petugas serves in Banyuwangi town
# The usernames create_demo_users makes, besides one polsek-<district> per district.
SINGLE_USERS = ("komandan", "petugas", "pemantau", "admin")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region: str
    password: str
    token: str


def _user(username: str, role: str, region: str, *, staff: bool = False) -> None:
    user = get_user_model().objects.create_user(
        username, password=DEMO_PASSWORD, is_staff=staff, is_superuser=staff
    )
    RoleGrant.objects.create(user=user, role=role, region_id=region)


def create_demo_users(regency: str) -> None:
    _user("komandan", Role.COMMAND, regency)
    for district in Region.objects.filter(parent_id=regency).order_by("code"):
        _user(f"polsek-{slugify(district.name)}", Role.SECTOR, district.code)
    _user("petugas", Role.FIELD, FIELD_DISTRICT)
    _user("pemantau", Role.OBSERVER, regency)
    _user("admin", Role.ADMIN, regency, staff=True)


def still_on_demo_password() -> list[str]:
    """The demo users who can still log in with the demo password, which the demo prints
    and DESIGN.md publishes: `kawal serve` refuses to start while there are any."""
    candidates = get_user_model().objects.filter(
        Q(username__in=SINGLE_USERS) | Q(username__startswith="polsek-"), is_active=True
    ).order_by("username")
    # hashers.check_password, not User.check_password: a read that never re-hashes and saves.
    return [u.username for u in candidates if check_password(DEMO_PASSWORD, u.password)]


def demo_logins() -> list[DemoLogin]:
    """Each demo user with a fresh API token, for printing at start-up."""
    logins = []
    for grant in (
        RoleGrant.objects.select_related("user")
        .filter(
            user__username__in=["komandan", "polsek-banyuwangi", "petugas", "pemantau", "admin"]
        )
        .order_by("id")
    ):
        _, token = ApiToken.issue(grant.user)
        logins.append(
            DemoLogin(grant.user.username, grant.role, grant.region_id, DEMO_PASSWORD, token)
        )
    return logins
