from django.core.management.base import BaseCommand

from kawal.command import tallies


class Command(BaseCommand):
    help = (
        "Fold the command center's tallies that grew since last folded; with --every, keep "
        "doing so (kawal serve and kawal demo already do, beside their web workers)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, metavar="SECONDS", help="repeat every SECONDS, until stopped"
        )

    def handle(self, *args, every: float | None, **options) -> None:
        if every is not None:
            tallies.keep_compact(every)
        folded = tallies.compact_if_grown()
        self.stdout.write(f"Folded {', '.join(folded)}" if folded else "No tally needed folding")
