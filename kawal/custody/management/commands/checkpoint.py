from typing import TextIO, cast

import segno
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kawal.custody import checkpoints, signing


class Command(BaseCommand):
    help = (
        "Sign the custody log's head now and print the checkpoint for the rakor minutes: its "
        "digest, its signed text and that text as a QR code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--latest", action="store_true", help="print the latest checkpoint without taking one"
        )

    def handle(self, *args: object, latest: bool = False, **options: object) -> None:
        if latest:
            last = checkpoints.latest()
            if last is None:
                raise CommandError("no checkpoint yet")
        else:
            try:
                last = checkpoints.take("kawal checkpoint")
            except checkpoints.LogBroken as exc:
                raise CommandError(f"{exc}: run kawal verify --against the last digest") from exc
        self.stdout.write(
            f"checkpoint of {last.created_at:%Y-%m-%d %H:%M:%S} UTC over {last.size:,} "
            f"custody events and audit entries ({last.reason})\n"
            f"digest: {last.digest}\n"
            f"check it later with: kawal verify --against {last.digest}\n"
            f"signed with Ed25519 public key {signing.public_key()}\n"
        )
        self.stdout.write(last.signed)
        qr = segno.make(last.signed, error="m")
        qr.terminal(out=cast(TextIO, self.stdout), compact=True)
