from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kawal import backups


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the whole database to PATH while Kawal keeps serving: "
        "SQLite's online backup, or pg_dump's custom format on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a new file")

    def handle(self, *args: object, path: Path, **options: object) -> None:
        try:
            size = backups.backup(path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backed up to {path} ({size:,} bytes); bring it back with: kawal restore {path}"
        )
