from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kawal import backups


class Command(BaseCommand):
    help = (
        "Bring back a backup made by `kawal backup` into this Kawal's database, which must be "
        "empty; --force replaces what it holds. Then check it with kawal verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a file written by kawal backup")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that is not empty"
        )

    def handle(self, *args: object, path: Path, force: bool = False, **options: object) -> None:
        try:
            backups.restore(path, force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {path}; check it with kawal verify, and kawal verify --against the "
            "digest of the last checkpoint the rakor minutes hold"
        )
