from django.core.management.base import BaseCommand, CommandError, CommandParser

from kawal.custody import verification


class Command(BaseCommand):
    help = "Recompute every custody chain and name the first broken link per box."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="only boxes in this region code")

    def handle(self, *args: object, region: str | None = None, **options: object) -> None:
        report = verification.verify(region)
        for b in report.broken:
            where = f"seq {b.seq}" if b.seq else "end"
            event = f" event {b.event}" if b.event else ""
            self.stdout.write(f"BROKEN {b.box} at {where}{event}: {b.problem}")
            for tampered in b.tampered:
                self.stdout.write(f"  altered event {tampered}")
        if not report.ok:
            raise CommandError(f"{len(report.broken)} broken chain(s) among {report.events} events")
        self.stdout.write(f"OK: {report.events} events, every chain verifies")
