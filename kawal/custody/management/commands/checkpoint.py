from django.core.management.base import BaseCommand, CommandError, CommandParser

from kawal.custody import verification


class Command(BaseCommand):
    help = (
        "Print one digest over every custody chain, for the rakor minutes. "
        "With --since DIGEST, say whether history since that checkpoint was only appended to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", metavar="DIGEST", help="an earlier checkpoint's digest")

    def handle(self, *args: object, since: str | None = None, **options: object) -> None:
        if since:
            result = verification.since(since)
            for problem in result.problems:
                self.stdout.write(f"  {problem}")
            if not result.append_only or result.checkpoint is None:
                raise CommandError(
                    f"history since checkpoint {since} was changed, not only appended to"
                )
            self.stdout.write(
                f"APPEND-ONLY: history since the checkpoint of "
                f"{result.checkpoint.created_at:%Y-%m-%d %H:%M} UTC was only appended to"
            )
            return
        taken = verification.checkpoint()
        self.stdout.write(
            f"checkpoint {taken.created_at:%Y-%m-%d %H:%M:%S} UTC, {len(taken.heads)} boxes, "
            f"{taken.events} events\n{taken.digest}"
        )
