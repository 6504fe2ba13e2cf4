"""API tokens as `kawal token` shows and revokes them: never the secret, which is shown once
when issued (`ApiToken.issue`) and stored only as its SHA-256."""

from django.db import transaction
from django.db.models import QuerySet

from kawal.accounts import audit
from kawal.accounts.models import ApiToken


class TokenNotFound(LookupError):
    """No token, or more than one, answers to the prefix given: the message says which."""


def listing(username: str | None = None) -> QuerySet[ApiToken]:
    """Every token (or one user's), newest first, with its user and its device if any."""
    tokens = ApiToken.objects.select_related("user", "device").order_by("-created_at", "-id")
    return tokens.filter(user__username=username) if username else tokens


@transaction.atomic
def revoke(prefix: str, *, username: str | None = None) -> ApiToken:
    """Revoke the one live token with this prefix (of that user, if given): it is refused
    from its next request on. Audited, with no actor: it is run from the server's shell."""
    matches = list(
        listing(username).select_for_update(of=("self",)).filter(prefix=prefix, revoked=False)
    )
    if not matches:
        raise TokenNotFound(f"no live token has the prefix {prefix!r}: see `kawal token list`")
    if len(matches) > 1:
        users = ", ".join(sorted({t.user.username for t in matches}))
        raise TokenNotFound(
            f"{len(matches)} live tokens have the prefix {prefix!r} (users: {users}): "
            "add --user USERNAME"
        )
    token = matches[0]
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True
    audit.record(
        "token.revoke", token, actor=None, prefix=token.prefix, user=token.user.username
    )
    return token
