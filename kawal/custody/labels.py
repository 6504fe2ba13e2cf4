"""Box labels: the box code as a QR code beside the label DOMAIN.md describes, as a PDF sheet.

A label shows TPS number, PPS, PPK, regency and province, like the KPU's own box labels.
Sheets are per village or district, so a PPS or PPK can print its own boxes' labels.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno
from django.db.models import QuerySet
from django.template.loader import render_to_string

from kawal.custody.models import Box
from kawal.territory.codes import within
from kawal.territory.models import Region

if TYPE_CHECKING:
    from weasyprint.document import Document

# Kemendagri province codes (Permendagri 2022 numbering for the Papua provinces).
PROVINCES = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}


@dataclass(frozen=True)
class Label:
    code: str
    contest: str
    tps: str  # "TPS 001"
    pps: str
    ppk: str
    regency: str
    province: str
    qr: str  # the QR code as a PNG data URI: WeasyPrint draws it faster than SVG

    @property
    def text(self) -> str:
        return f"{self.tps} · PPS {self.pps} · PPK {self.ppk} · {self.regency} · {self.province}"


def label_of(box: Box, *, with_qr: bool = False) -> Label:
    """The label of a box whose `tps__village__parent__parent` are selected."""
    if box.tps is None:
        raise ValueError(f"{box.code} is not at a TPS, so it has no label")
    village = box.tps.village
    district = _parent(village)
    regency = _parent(district)
    province = regency.parent.name if regency.parent else PROVINCES.get(regency.code[:2], "")
    return Label(
        code=box.code,
        contest=box.contest,
        tps=f"TPS {box.tps.number:03d}",
        pps=village.name,
        ppk=district.name,
        regency=regency.name,
        province=province,
        qr=segno.make(box.code, error="m").png_data_uri(scale=8, border=2) if with_qr else "",
    )


def _parent(region: Region) -> Region:
    if region.parent is None:
        raise ValueError(f"region {region.code} lies in no larger region")
    return region.parent


def sheet_boxes(region: Region) -> QuerySet[Box]:
    """The ballot boxes of a village or district, in label order."""
    return (
        Box.objects.filter(within("code", region.code), tps__isnull=False)
        .select_related("tps__village__parent__parent__parent")
        .order_by("code")
    )


PER_ROW, ROWS_PER_PAGE = 3, 6  # 18 labels of 62 x 38 mm on an A4 page


def sheet_pdf(region: Region) -> bytes:
    return sheet_document(region).write_pdf()


def sheet_document(region: Region) -> "Document":
    """The region's label sheet laid out, ready to write or to join others (kawal/paper.py)."""
    # WeasyPrint takes a second to import; only label sheets need it, not every worker.
    from weasyprint import HTML

    labels = [label_of(b, with_qr=True) for b in sheet_boxes(region)]
    rows = [labels[i : i + PER_ROW] for i in range(0, len(labels), PER_ROW)]
    # One small table per page: WeasyPrint's time grows faster than linearly with the
    # length of one table (or of a flex-wrap box), and a district has hundreds of boxes.
    pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)]
    html = render_to_string("custody/labels.html", {"region": region, "pages": pages})
    return HTML(string=html).render()


def document_name(region: Region) -> str:
    """The name of the region's label sheet when made in the background (kawal/paper.py)."""
    return f"label-kotak-{region.code}"
