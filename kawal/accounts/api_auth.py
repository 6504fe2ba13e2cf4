"""API authentication: `Authorization: Bearer <token>` for devices; pages use the session.

A device sends one every request, so the token is judged on one statement, written here
rather than by the ORM (whose compiling it would cost more than running it): the token, its
user, the user's roles (kept as `scope_of` keeps them, accounts/scope.py) and, for a
subclass, one more row beside them (the enrolled phone, field/auth.py). `tests/accounts/
test_bearer_read.py` checks that it reads what the ORM would.
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from kawal import raw_reads
from kawal.accounts import scope
from kawal.accounts.models import ApiToken, RoleGrant

# Marking use this often is enough for `kawal token list`, and keeps a write off nearly
# every sync request.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Beside:
    """A row read with the token: `fields` (attnames) of `model`, its table named `alias` in
    `join`, which joins it to the token's table, named `t`."""

    model: type[models.Model]
    fields: tuple[str, ...]
    alias: str
    join: str


@dataclass(frozen=True)
class Found:
    token: ApiToken  # its user cached on it
    grants: tuple[tuple[str, str], ...]  # (role, region code), by role then region
    beside: models.Model | None  # the row `Beside` names, None when the join found none


def _reader(
    model: type[models.Model], names: tuple[str, ...], alias: str
) -> tuple[list[str], Callable[[list[Any]], Any]]:
    """The columns of `names` (attnames of `model`, table `alias`), and what builds the
    instance from their values, converted as the ORM converts what it reads."""
    # In the model's order: from_db places the values of a partial row in that order.
    fields = [f for f in model._meta.concrete_fields if f.attname in names]
    names = tuple(f.attname for f in fields)
    convert = raw_reads.converter(fields)

    def build(values: list[Any]) -> Any:
        return model.from_db(connection.alias, list(names), convert(values))

    quote = connection.ops.quote_name
    return [f"{alias}.{quote(str(f.column))}" for f in fields], build


def _names(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


@dataclass(frozen=True)
class _Plan:
    sql: str
    token: tuple[int, Callable[[list[Any]], Any]]  # how many columns, and their builder
    user: tuple[int, Callable[[list[Any]], Any]]
    beside: Callable[[list[Any]], Any] | None


# Per connection (each thread has its own), as its converters are its backend's.
_plans: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[Beside | None, _Plan]]" = (
    weakref.WeakKeyDictionary()
)


def _plan(beside: Beside | None) -> _Plan:
    wrapper = connections[DEFAULT_DB_ALIAS]
    known = _plans.setdefault(wrapper, {})
    if beside in known:
        return known[beside]
    token_cols, token_of = _reader(ApiToken, _names(ApiToken), "t")
    user_cols, user_of = _reader(User, _names(User), "u")
    beside_cols, beside_of = _reader(beside.model, beside.fields, beside.alias) if beside else ([], None)
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join([*token_cols, *user_cols, *beside_cols])}, g.role, g.region_id "
        f"FROM {quote(ApiToken._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        f"{beside.join if beside else ''} "
        f"LEFT JOIN {quote(RoleGrant._meta.db_table)} g ON g.user_id = t.user_id "
        "WHERE t.digest = %s ORDER BY g.role, g.region_id"
    )
    known[beside] = _Plan(sql, (len(token_cols), token_of), (len(user_cols), user_of), beside_of)
    return known[beside]


def read(digest: str, beside: Beside | None = None) -> Found | None:
    """The token whose digest is `digest`, with its user, the user's role grants and the row
    `beside` names; None when no token has that digest."""
    plan = _plan(beside)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, [digest])
        rows = cursor.fetchall()
    if not rows:
        return None
    (tokens, token_of), (users, user_of) = plan.token, plan.user
    first = list(rows[0])
    token = token_of(first[:tokens])
    token.user = user_of(first[tokens : tokens + users])
    found = first[tokens + users : -2]
    other = plan.beside(found) if plan.beside is not None and found[0] is not None else None
    held = tuple((role, region) for *_, role, region in rows if role is not None)
    return Found(token, held, other)


class BearerToken(HttpBearer):
    """A request that names a bearer token is judged on it alone: an unknown, revoked or
    expired token answers 401 at once, rather than falling through to the session check
    (whose CSRF refusal would tell a revoked phone 403, which it reads as "try again later")."""

    beside: Beside | None = None  # a subclass's row read with the token

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = read(ApiToken.digest_of(token), self.beside)
        if found is None:
            raise AuthenticationError
        self.refuse(found.beside)
        row = found.token
        if row.revoked or not row.user.is_active:
            raise AuthenticationError
        now = timezone.now()
        if row.expires_at <= now:
            raise AuthenticationError(
                message=f"this API token expired at {row.expires_at:%Y-%m-%d %H:%M} UTC: "
                "ask an administrator for a new one"
            )
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]  # the ledger stores who sent what
        scope.keep(row.user, found.grants)
        self.admit(request, found.beside)
        return row.user

    def refuse(self, beside: models.Model | None) -> None:
        """Raise AuthenticationError if the row beside the token refuses the request."""

    def admit(self, request: HttpRequest, beside: models.Model | None) -> None:
        """What a request admitted with the row beside its token does with it."""
