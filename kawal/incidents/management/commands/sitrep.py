from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kawal.incidents import reporting
from kawal.operations.models import Stage


class Command(BaseCommand):
    help = (
        "Make the situation report (laporan situasi) of a regency or district: today so far, "
        "a day (--date) or a stage (--stage), as HTML or an A4 PDF, with a ledger checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="regency or district code")
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--date", type=date.fromisoformat, help="a day in WIB, YYYY-MM-DD")
        when.add_argument("--stage", choices=Stage.Kind.values, help="a stage of the operation")
        parser.add_argument("--format", choices=reporting.FORMATS, default="pdf")
        parser.add_argument("--out", type=Path, help="file to write (default: a dated name)")
        parser.add_argument("--language", choices=("id", "en"), default="id")

    def handle(self, *args: object, **options) -> None:
        with translation.override(options["language"]):
            try:
                made = reporting.make(
                    options["region"], options["format"], day=options["date"],
                    stage=options["stage"],
                )  # fmt: skip
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        out: Path = options["out"] or Path(made.filename)
        out.write_bytes(made.content)
        self.stdout.write(f"{out} ({len(made.content):,} bytes)\ncheckpoint {made.digest}")
