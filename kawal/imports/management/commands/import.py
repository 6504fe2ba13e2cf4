from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kawal.imports.tps import import_tps
from kawal.personnel.importer import import_personnel
from kawal.tabular import ImportRejected

IMPORTERS = {"tps": import_tps, "personnel": import_personnel}


class Command(BaseCommand):
    help = "Import the real TPS or personnel list from CSV or XLSX, all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind: str, file: Path, **options) -> None:
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            count = IMPORTERS[kind](file)
        except ImportRejected as rejected:
            raise CommandError(f"{file.name}: {rejected}") from None
        self.stdout.write(f"Imported {count} {kind} rows from {file.name}")
