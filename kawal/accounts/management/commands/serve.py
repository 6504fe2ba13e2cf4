from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kawal import server


class Command(BaseCommand):
    help = "Run Kawal in production under gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, bind: str, workers: int, **options):
        if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
            raise CommandError("KAWAL_SECRET_KEY is the demo secret: set a real one to serve")
        if settings.DEBUG:
            raise CommandError("KAWAL_DEBUG is on: turn it off to serve")
        if not settings.LEDGER_KEY:
            # A key made in each server's data directory would sign with as many keys.
            raise CommandError(
                "KAWAL_LEDGER_KEY is unset: give every server the key that signs the custody "
                "checkpoints (docs/deploy.md)"
            )
        server.run(bind, workers=workers)
