"""API authentication: `Authorization: Bearer <token>` for devices; pages use the session."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from kawal.accounts.models import ApiToken


class BearerToken(HttpBearer):
    """A request that names a bearer token is judged on it alone: an unknown or revoked token
    answers 401 at once, rather than falling through to the session check (whose CSRF refusal
    would tell a revoked phone 403, which it reads as "try again later")."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
            raise AuthenticationError
        now = timezone.now()
        # Marking use once a minute is enough, and keeps a write off every sync request.
        if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]  # the ledger stores who sent what
        return row.user
