from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kawal.accounts import audit
from kawal.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Manage API tokens: `kawal token create USERNAME` prints a new token."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")

    def handle(self, *args, action: str, username: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        with transaction.atomic():
            row, token = ApiToken.issue(user)
            audit.record("token.create", row, actor=None, user=username, prefix=row.prefix)
        self.stdout.write(token)
