from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kawal.accounts import audit, tokens
from kawal.accounts.models import ApiToken

COLUMNS = ("prefix", "user", "device", "created", "last used", "expires", "revoked")


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


def _device(token: ApiToken) -> str:
    if not hasattr(token, "device"):  # a token issued by hand, not at a phone's enrolment
        return "-"
    return token.device.label or str(token.device.pk)[:8]


class Command(BaseCommand):
    help = (
        "API tokens: `kawal token create USERNAME [--days N]` prints a new token once; "
        "`kawal token list [--user USERNAME]`; `kawal token revoke PREFIX [--user USERNAME]`. "
        "Times are UTC."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("name", nargs="?", help="create: the username; revoke: the prefix")
        parser.add_argument("--user", help="list or revoke only this user's tokens")
        parser.add_argument(
            "--days", type=int, help="create: days until it expires (default KAWAL_TOKEN_DAYS)"
        )

    def handle(self, *args, action: str, name: str | None, user: str | None, days, **options):
        if action == "list":
            return self._list(user)
        if not name:
            raise CommandError(f"`kawal token {action}` needs a {_needs[action]}")
        if action == "create":
            return self._create(name, days)
        try:
            revoked = tokens.revoke(name, username=user)
        except tokens.TokenNotFound as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"revoked {revoked.prefix}… of {revoked.user.username}")

    def _create(self, username: str, days: int | None) -> None:
        try:
            owner = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        with transaction.atomic():
            row, token = ApiToken.issue(owner, expires_at=expires_at)
            audit.record("token.create", row, actor=None, user=username, prefix=row.prefix)
        self.stdout.write(token)

    def _list(self, username: str | None) -> None:
        rows = [
            (
                t.prefix + "…",
                t.user.username,
                _device(t),
                _when(t.created_at),
                _when(t.last_used_at),
                _when(t.expires_at),
                "yes" if t.revoked else "no",
            )
            for t in tokens.listing(username)
        ]
        widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
        for row in [COLUMNS, *rows]:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


_needs = {"create": "USERNAME", "revoke": "PREFIX"}
