from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kawal import server
from kawal.demo.users import still_on_demo_password

PLAIN_HTTP_WARNING = (
    "WARNING: KAWAL_HTTPS=0: serving plain http. Passwords, session cookies and tokens cross "
    "the network unencrypted, with no HSTS and no redirect to https. Use it only on the "
    "loopback or a closed network (docs/deploy.md)."
)


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
        _refuse_demo_passwords()
        if settings.HTTPS and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
            # gunicorn here speaks plain http, so https can only come from a proxy in front;
            # without its header every request would be redirected to https, forever.
            raise CommandError(
                "KAWAL_HTTPS is on, but Kawal serves plain http itself: put a TLS reverse "
                "proxy in front and set KAWAL_PROXY_SSL_HEADER=X-Forwarded-Proto, or set "
                "KAWAL_HTTPS=0 for plain http on a closed network (docs/deploy.md)"
            )
        if not settings.HTTPS:
            self.stderr.write(PLAIN_HTTP_WARNING)
        server.run(bind, workers=workers)


def _refuse_demo_passwords() -> None:
    if settings.DEMO:
        return
    demo_users = still_on_demo_password()
    if demo_users:
        raise CommandError(
            f"demo users still have the demo password: {', '.join(demo_users)}. Change each "
            "with `kawal changepassword USERNAME` (or deactivate it in the admin), or run "
            "the demo itself with `kawal demo`"
        )
