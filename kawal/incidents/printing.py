"""The sitrep on paper: one HTML template, printed to an A4 PDF by WeasyPrint.

The HTML is the PDF's source and also the `--format html` output; the rakor view shows the
same figures from `sitrep.figures()` in its own large panels.
"""

from dataclasses import dataclass
from datetime import datetime

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from kawal.command import progress
from kawal.custody.models import Checkpoint
from kawal.incidents.models import Incident
from kawal.incidents.sitrep import CATEGORY_GROUPS, WIB, Sitrep
from kawal.personnel.models import Force, Unit

CLASSIFICATION = _("RESTRICTED")
GROUP_LABELS = {
    "kamtibmas": _("Kamtibmas disturbances"),
    "traffic": _("Traffic accidents"),
    "protest": _("Protests"),
    "election": _("Election incidents"),
}


@dataclass(frozen=True)
class Printed:
    html: str
    printed_at: datetime


def qr_svg(text: str) -> str:
    """A QR code of `text` as inline SVG, for the signed checkpoint on paper."""
    return segno.make(text, error="m").svg_inline(scale=3, border=2)


def police_hq(report: Sitrep) -> str:
    """The regency's police HQ, whose chief (Kapolres or Kapolresta) signs the report."""
    hq = Unit.objects.filter(region_id=report.region.code[:5], kind=Unit.Kind.POLRES_HQ).first()
    return (hq.name if hq else f"Polres {report.region.name}").upper()


def html(report: Sitrep, checkpoint: Checkpoint | None) -> Printed:
    printed_at = timezone.localtime(report.made_at, WIB)
    unit = police_hq(report)
    context = {
        "r": report,
        "checkpoint": checkpoint,
        "qr": qr_svg(checkpoint.signed) if checkpoint else "",
        "classification": CLASSIFICATION,
        "printed_at": printed_at,
        "starts": timezone.localtime(report.window.starts_at, WIB),
        "ends": timezone.localtime(report.window.ends_at, WIB),
        "forces": Force.choices,
        "milestones": [(m, progress.LABELS[m]) for m in progress.MILESTONES],
        "groups": [(GROUP_LABELS[g], cs) for g, cs in CATEGORY_GROUPS],
        "categories": Incident.Category.choices,
        "unit": unit,
        "chief": "KA" + unit,
    }
    return Printed(render_to_string("incidents/sitrep.html", context), printed_at)


def pdf(printed: Printed) -> bytes:
    return HTML(string=printed.html).write_pdf()
