from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from kawal.simulation.faults import PROFILES
from kawal.simulation.preparation import NotReady
from kawal.simulation.runner import TOKEN_VARIABLE, Options, simulate


class Command(BaseCommand):
    help = (
        "Replay the operation's night over the HTTP API as the field phones would, with faults "
        "injected, then check that each raised exactly its alert. Reads the approved plan and "
        "the territory from this database, which must be the server's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
        parser.add_argument(
            "--speed", type=float, default=500,
            help="simulated seconds per real second (500: the demo night in about 30 minutes)",
        )  # fmt: skip
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--faults", choices=list(PROFILES), default="realistic")
        parser.add_argument("--region", help="the operation's region or one of its districts")
        parser.add_argument(
            "--token",
            help=f"send and read with this API token (or ${TOKEN_VARIABLE}) instead of "
            "creating tokens for the demo users",
        )
        parser.add_argument("--report", type=Path, help="write the check as JSON to this file")

    def handle(self, *args: object, url: str, speed: float, seed: int, faults: str,
               region: str | None, token: str | None, report: Path | None,
               **options: object) -> None:  # fmt: skip
        try:
            verdict = simulate(
                Options(url, speed, seed, faults, region, token, report), Console()
            )
        except NotReady as exc:
            raise CommandError(str(exc)) from None
        if not verdict.ok:
            raise SystemExit(1)
