"""The bearer check's one statement (accounts/api_auth.read) reads what the ORM reads: the
token, its user and the user's roles, in the order `scope_of` reads them, on both databases.
`scope_of`'s own read by hand agrees with the ORM's too."""

from django.contrib.auth import get_user_model
from django.db import models

from kawal.accounts import scope
from kawal.accounts.api_auth import read
from kawal.accounts.models import ApiToken, Role, RoleGrant
from tests.conftest import user
from tests.factories import HOME, OTHER, REGENCY


def fields(row: models.Model) -> dict:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


def orm_grants(who) -> tuple:
    rows = RoleGrant.objects.filter(user=who).order_by("role", "region_id")
    return tuple(rows.values_list("role", "region_id"))


def _grant_more(who) -> None:
    # Several roles over several regions, inserted out of order.
    RoleGrant.objects.bulk_create(
        RoleGrant(user=who, role=role, region_id=region)
        for role, region in ((Role.SECTOR, OTHER), (Role.OBSERVER, REGENCY), (Role.SECTOR, HOME))
    )


def _token_of_a_commander_with_more_grants():
    """A commander granted more roles, a token of theirs, and what the bearer read finds."""
    who = user("commander")
    _grant_more(who)
    row, secret = ApiToken.issue(who)
    found = read(ApiToken.digest_of(secret))
    assert found is not None
    return who, row, found


def test_it_reads_the_token_and_its_user_as_the_orm_does(small):
    who, row, found = _token_of_a_commander_with_more_grants()
    assert fields(found.token) == fields(ApiToken.objects.get(pk=row.pk))
    assert fields(found.token.user) == fields(get_user_model().objects.get(pk=who.pk))
    assert isinstance(found.token.user.is_active, bool)
    assert found.token.expires_at.tzinfo is not None
    assert found.beside is None


def test_it_reads_every_grant_in_the_order_scope_of_reads_them(small):
    who, _, found = _token_of_a_commander_with_more_grants()
    assert len(found.grants) == 4
    assert found.grants == orm_grants(who)


def test_a_user_without_roles_reads_no_grants(small):
    who = get_user_model().objects.create(username="nobody")
    _, secret = ApiToken.issue(who)
    found = read(ApiToken.digest_of(secret))
    assert found is not None
    assert found.grants == ()
    assert found.token.user.pk == who.pk


def test_an_unknown_token_reads_nothing(small):
    assert read(ApiToken.digest_of("not a token")) is None


def test_scope_of_reads_the_grants_the_orm_reads(small):
    who = user("commander")
    _grant_more(who)
    assert scope.scope_of(user("commander")).grants == orm_grants(who)
    assert scope.scope_of(get_user_model().objects.create(username="nobody")).grants == ()
