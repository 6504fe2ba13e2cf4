"""API authentication: `Authorization: Bearer <token>` for devices; pages use the session."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from kawal.accounts.models import ApiToken

# Marking use this often is enough for `kawal token list`, and keeps a write off nearly
# every sync request.
LAST_USED_EVERY = timedelta(minutes=1)


class BearerToken(HttpBearer):
    """A request that names a bearer token is judged on it alone: an unknown, revoked or
    expired token answers 401 at once, rather than falling through to the session check
    (whose CSRF refusal would tell a revoked phone 403, which it reads as "try again later")."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
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
        return row.user
