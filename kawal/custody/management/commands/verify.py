from django.core.management.base import BaseCommand, CommandError, CommandParser

from kawal.accounts import audit
from kawal.custody import verification

PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Recompute every custody chain, and the audit log's, and name every problem in them. "
        "With --against DIGEST, "
        "prove instead that the log still holds, unchanged, all that checkpoint covered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="only boxes in this region code")
        parser.add_argument(
            "--against", metavar="DIGEST", help="a checkpoint's digest, SIZE:ROOT, as printed"
        )

    def handle(
        self,
        *args: object,
        region: str | None = None,
        against: str | None = None,
        **options: object,
    ) -> None:
        if against:
            self._against(against)
            return
        report = verification.verify(region)
        for b in report.broken:
            where = f"seq {b.seq}" if b.event else "end"
            event = f" event {b.event}" if b.event else ""
            self.stdout.write(f"BROKEN {b.box} at {where}{event}: {b.problem}")
        # The audit log is one chain over the whole operation, checked unless a region is asked.
        logged = [] if region else audit.verify()
        for a in logged:
            self.stdout.write(f"BROKEN audit entry {a.entry} at position {a.position}: {a.problem}")
        if not report.ok or logged:
            chains = len({b.box for b in report.broken}) + (1 if logged else 0)
            raise CommandError(
                f"{len(report.broken) + len(logged)} problem(s) in {chains} chain(s) among "
                f"{report.events} events"
            )
        audited = "" if region else ", and so does the audit log's"
        self.stdout.write(f"OK: {report.events} events, every chain verifies{audited}")

    def _against(self, digest: str) -> None:
        try:
            result = verification.against(digest)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.problems[:PROBLEMS_SHOWN]:
            self.stdout.write(f"CHANGED {problem}")
        if len(result.problems) > PROBLEMS_SHOWN:
            self.stdout.write(f"  and {len(result.problems) - PROBLEMS_SHOWN} more")
        if not result.ok:
            raise CommandError(
                f"the log no longer holds, unchanged, what checkpoint {result.size}:{result.root} "
                "covered"
            )
        self.stdout.write(
            f"CONSISTENT: the log today ({result.now_size:,} leaves, root {result.now_root}) "
            f"holds checkpoint {result.size}:{result.root} unchanged, shown by a consistency "
            f"proof of {len(result.proof)} hashes"
        )
