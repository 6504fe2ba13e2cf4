from django.core.management.base import BaseCommand, CommandError, CommandParser

from kawal.custody import verification


class Command(BaseCommand):
    help = "Recompute every custody chain and name every problem in it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="only boxes in this region code")

    def handle(self, *args: object, region: str | None = None, **options: object) -> None:
        report = verification.verify(region)
        for b in report.broken:
            where = f"seq {b.seq}" if b.event else "end"
            event = f" event {b.event}" if b.event else ""
            self.stdout.write(f"BROKEN {b.box} at {where}{event}: {b.problem}")
        if not report.ok:
            chains = len({b.box for b in report.broken})
            raise CommandError(
                f"{len(report.broken)} problem(s) in {chains} chain(s) among {report.events} events"
            )
        self.stdout.write(f"OK: {report.events} events, every chain verifies")
