"""The deployment list per Polsek (daftar ploting personel) as XLSX and PDF, and QR codes.

Both documents carry the same rows (deployment.deployment_list) and end in a signature block,
ready to print and sign.
"""

from io import BytesIO
from typing import TYPE_CHECKING

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kawal.operations.models import Stage
from kawal.personnel.models import Force
from kawal.planning.deployment import DeploymentRow, Section
from kawal.planning.models import Plan
from kawal.spreadsheet_cells import put
from kawal.territory.models import Region

if TYPE_CHECKING:
    from weasyprint.document import Document

# The document is printed for Indonesian signatories, so it is in Indonesian only.
STATUS_LABEL = {"draft": "draf", "approved": "disetujui", "superseded": "diganti"}
STAGE_LABEL = {
    "distribution": "distribusi logistik",
    "quiet": "masa tenang",
    "voting": "pemungutan dan penghitungan suara",
    "return": "pengembalian kotak suara",
    "recap_ppk": "rekapitulasi PPK",
    "recap_kpu": "rekapitulasi KPU",
}
COLUMNS = (
    ("No", 5),
    ("Tahap", 22),
    ("Pos", 26),
    ("Nama pos", 40),
    ("TPS", 16),
    ("Matra", 8),
    ("Nama", 26),
    ("Pangkat", 14),
    ("NRP/NIP", 18),
    ("Kesatuan", 28),
    ("Paraf", 10),
)


def _stage_label(stage: str) -> str:
    return STAGE_LABEL[Stage.Kind(stage)]


def _title(plan: Plan, district: Region, polsek: str) -> list[str]:
    now = timezone.localtime()
    return [
        plan.operation.name.upper(),
        f"DAFTAR PLOTING PERSONEL {polsek.upper()}",
        (
            f"Kecamatan {district.name} ({district.code}) · rencana v{plan.version} "
            f"({STATUS_LABEL[plan.status]}) · dicetak {now:%d-%m-%Y %H:%M} WIB"
        ),
    ]


def _cells(i: int, r: DeploymentRow) -> list:
    return [
        i,
        _stage_label(r.stage),
        r.post_code,
        r.post_name,
        r.tps,
        Force(r.force).label,
        r.name,
        r.rank,
        r.nrp,
        r.unit,
        "",
    ]


def xlsx(plan: Plan, sections: list[Section]) -> bytes:
    """The list as a workbook: one sheet per Polsek, each ready to print and sign."""
    wb = Workbook()
    for default in wb.worksheets:
        wb.remove(default)
    for part in sections:
        ws = wb.create_sheet(part.district.name[:31] if len(sections) > 1 else "Ploting")
        _sheet(ws, plan, part.district, part.polsek, part.rows)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet(
    ws: Worksheet, plan: Plan, district: Region, polsek: str, rows: list[DeploymentRow]
) -> None:
    for line, text in enumerate(_title(plan, district, polsek), start=1):
        put(ws, line, 1, text).font = Font(bold=line < 3)
    header = 5
    thin = Side(style="thin")
    for col, (label, width) in enumerate(COLUMNS, start=1):
        cell = put(ws, header, col, label)
        cell.font = Font(bold=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, r in enumerate(rows, start=1):
        for col, value in enumerate(_cells(i, r), start=1):
            cell = put(ws, header + i, col, value)
            cell.border = Border(bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(vertical="top", wrap_text=col in (4, 5))
    sign = header + len(rows) + 3
    put(ws, sign, 2, "Mengetahui,")
    put(ws, sign + 1, 2, f"KAPOLSEK {district.name.upper()}")
    put(ws, sign + 1, 8, "KABAG OPS")
    put(ws, sign + 5, 2, "(....................................)")
    put(ws, sign + 5, 8, "(....................................)")
    ws.print_title_rows = f"{header}:{header}"
    ws.freeze_panes = f"A{header + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def pdf(plan: Plan, district: Region, polsek: str, rows: list[DeploymentRow]) -> bytes:
    return document(plan, district, polsek, rows).write_pdf()


def document(plan: Plan, district: Region, polsek: str, rows: list[DeploymentRow]) -> "Document":
    """One Polsek's list laid out, ready to write or to join others (kawal/paper.py)."""
    # WeasyPrint takes a second to import; only the PDF needs it, not every worker.
    from weasyprint import HTML

    html = render_to_string(
        "planning/daftar.html",
        {
            "title": _title(plan, district, polsek),
            "columns": [label for label, _ in COLUMNS],
            "rows": [_cells(i, r) for i, r in enumerate(rows, start=1)],
            "district": district,
        },
    )
    return HTML(string=html).render()


def qr_svg(token: str) -> str:
    """The QR code of an assignment token, as an SVG document."""
    out = BytesIO()
    segno.make(token, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue().decode()
