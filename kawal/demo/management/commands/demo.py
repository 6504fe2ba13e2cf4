from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from kawal import server
from kawal.demo.load import is_loaded, load_demo
from kawal.demo.replay import replay
from kawal.demo.users import demo_logins


class Command(BaseCommand):
    help = "Migrate, load the Banyuwangi operation and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--fresh", action="store_true", help="start from an empty database")
        parser.add_argument("--no-serve", action="store_true", help="load and exit")
        parser.add_argument(
            "--simulate", action="store_true",
            help="start fresh and replay election night live against the served demo",
        )  # fmt: skip

    def handle(self, *args, port: int, fresh: bool, no_serve: bool, simulate: bool, **options):
        if simulate and no_serve:
            raise CommandError("--simulate replays the night against the served demo: drop --no-serve")
        console = Console()
        # The night replays from empty boxes: a simulation always starts from a fresh load.
        if fresh or simulate:
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        if is_loaded():
            console.print("[green]Banyuwangi operation already loaded[/] (use --fresh to reload)")
        else:
            with console.status("Loading the Banyuwangi operation…"):
                data = load_demo()
            console.print(
                f"[green]Loaded[/] {len(data.tps):,} TPS, {len(data.box_codes):,} boxes, "
                f"{len(data.members):,} personnel into {settings.DATABASES['default']['NAME']}"
            )
        logins = demo_logins()
        table = Table(title="Demo logins")
        for column in ("user", "role", "region", "password"):
            table.add_column(column)
        for login in logins:
            table.add_row(login.username, login.role, login.region, login.password)
        console.print(table)
        # Tokens go out as plain lines: a table would cut them to the terminal's width.
        self.stdout.write("API tokens (Authorization: Bearer <token>):")
        for login in logins:
            self.stdout.write(f"  {login.username}: {login.token}")
        console.print("Every district has a sector user: polsek-<district>, e.g. polsek-genteng.")
        if simulate:
            replay(port, console)
        elif not no_serve:
            console.print(f"Serving on [bold]http://127.0.0.1:{port}[/]")
            server.run(f"127.0.0.1:{port}")
