"""Making a situation report: take the ledger checkpoint, read the figures, print, audit.

The page and `kawal sitrep` both call `make()`. Only command and sector staff make reports,
each for a region they hold (a sector user: their district).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.scope import require_roles
from kawal.custody import checkpoints
from kawal.incidents import printing, sitrep
from kawal.operations.models import Operation
from kawal.territory.models import Region

MAKER_ROLES = (Role.COMMAND, Role.SECTOR)
FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class Made:
    content: bytes
    filename: str
    content_type: str
    report: sitrep.Sitrep
    digest: str


def make(
    region_code: str, fmt: str, *, day: date | None = None, stage: str | None = None,
    acting_user=None, now: datetime | None = None,
) -> Made:  # fmt: skip
    """The sitrep of a region as HTML or PDF, with a checkpoint of the ledger taken now.

    `acting_user` None is the command line, which holds the whole database anyway.
    Raises ValueError for an unknown region, stage or format; PermissionDenied out of scope.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if acting_user is not None:
        require_roles(
            acting_user, MAKER_ROLES, f"you make no reports for {region_code}", region_code
        )
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValueError(f"no region {region_code}")
    now = now or timezone.now()
    operation = Operation.objects.covering(region.code).prefetch_related("stages").first()
    window = sitrep.window_for(operation, day=day, stage=stage, now=now)
    checkpoint = checkpoints.take("sitrep", actor=acting_user)
    report = sitrep.figures(region, window, now=now)
    printed = printing.html(report, checkpoint)
    content = printing.pdf(printed) if fmt == "pdf" else printed.html.encode()
    stamp = f"{printed.printed_at:%Y%m%d-%H%M}"
    audit.record(
        "incidents.sitrep", region, actor=acting_user, format=fmt, digest=checkpoint.digest,
        starts_at=window.starts_at.isoformat(), ends_at=window.ends_at.isoformat(),
    )  # fmt: skip
    return Made(
        content, f"sitrep-{region.code}-{stamp}.{fmt}",
        "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8", report,
        checkpoint.digest,
    )  # fmt: skip
