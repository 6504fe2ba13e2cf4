"""Import the real TPS list (KPU's, kept in Excel) into the territory, with their ballot boxes.

Rows are matched by TPS code: a known code is updated, a new one created. Every TPS in the
file then gets the ballot boxes it lacks, one per contest code of any operation (`BUP`,
`GUB`); custody takes them from there. The whole file is checked before anything is written,
and written in one transaction: a bad row means nothing is imported.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from kawal.accounts import audit
from kawal.custody.models import Box, box_code
from kawal.operations.models import Contest
from kawal.tabular import CellError, ImportRejected, Table, read_table
from kawal.territory.codes import TPS_CODE
from kawal.territory.geometry import boundary_shape
from kawal.territory.models import TPS, Region

ALIASES = {
    "kode_tps": "code",
    "kode": "code",
    "tps": "code",
    "dpt": "voters",
    "jumlah_pemilih": "voters",
    "pemilih": "voters",
    "alamat": "address",
    "lokasi": "address",
    "latitude": "lat",
    "lintang": "lat",
    "longitude": "lng",
    "lon": "lng",
    "bujur": "lng",
    "kerawanan": "risk",
    "kategori": "risk",
}
RISKS = {"kurang rawan": "kurang_rawan", "sangat rawan": "sangat_rawan"}
MAX_VOTERS = 600
# GPS readings taken at the door of a TPS on a village edge may fall just outside the polygon.
BOUNDARY_TOLERANCE_DEGREES = 0.01  # about 1 km


def import_tps(path: Path, *, actor: User | None = None) -> int:
    """Check every row of the file, then write them all with their boxes; answers the count."""
    table = read_table(path, ALIASES)
    table.require("code", "voters", "address")
    parsed = _parse(table)
    with transaction.atomic():
        TPS.objects.bulk_create(
            parsed,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["voters", "address", "lat", "lng", "risk"],
        )
        _create_boxes([t.code for t in parsed])
        audit.record("import.tps", actor=actor, file=path.name, rows=len(parsed))
    return len(parsed)


@dataclass
class _Known:
    """What checking a row needs besides the row: the villages, and the rows before it."""

    villages: dict[str, Region]
    seen: dict[str, int] = field(default_factory=dict)  # TPS code: the row it was first on
    shapes: dict[str, BaseGeometry] = field(default_factory=dict)

    def shape(self, village: Region) -> BaseGeometry:
        if village.code not in self.shapes:
            self.shapes[village.code] = boundary_shape(village)
        return self.shapes[village.code]


def _parse(table: Table) -> list[TPS]:
    """Every row as a TPS, or ImportRejected naming every bad cell."""
    known = _Known({r.code: r for r in Region.objects.filter(level=Region.Level.DESA)})
    errors: list[CellError] = []
    parsed: list[TPS] = []
    for row, cells in table.rows:
        problems: list[tuple[str, str]] = []  # (column, message)
        tps = _checked(row, cells, known, problems)
        if tps is not None:
            _check_point(tps, cells, known, problems)
        errors += [CellError(row, column, message) for column, message in problems]
        if tps is not None and not problems:
            parsed.append(tps)
    if errors:
        raise ImportRejected(errors)
    return parsed


def _checked(
    row: int, cells: dict[str, str], known: _Known, problems: list[tuple[str, str]]
) -> TPS | None:
    """The row's TPS, placed inside its village if the row has no point; None if any cell is bad."""
    match = TPS_CODE.match(cells.get("code", ""))
    if not match:
        problems.append(("code", f"{cells.get('code')!r} is not a TPS code like 35.10.01.2001-001"))
        return None
    code, village_code = cells["code"], match["village"]
    if code in known.seen:
        problems.append(("code", f"{code} appears again (first on row {known.seen[code]})"))
    known.seen.setdefault(code, row)
    village = known.villages.get(village_code)
    if village is None:
        problems.append(("code", f"village {village_code} is not a known desa/kelurahan"))
    voters = _int(cells.get("voters", ""))
    if voters is None or not 1 <= voters <= MAX_VOTERS:
        problems.append(
            ("voters", f"{cells.get('voters')!r} must be a whole number from 1 to {MAX_VOTERS}")
        )
    if not cells.get("address"):
        problems.append(("address", "is empty"))
    risk = cells.get("risk", "").strip().lower() or "kurang_rawan"
    risk = RISKS.get(risk, risk)
    if risk not in TPS.Risk.values:
        problems.append(
            ("risk", f"{cells['risk']!r} is not one of kurang rawan, rawan, sangat rawan, khusus")
        )
    lat, lng = _float(cells.get("lat", "")), _float(cells.get("lng", ""))
    if _has_point(cells) and (lat is None or not -90 <= lat <= 90):
        problems.append(("lat", f"{cells.get('lat')!r} is not a latitude"))
    if _has_point(cells) and (lng is None or not -180 <= lng <= 180):
        problems.append(("lng", f"{cells.get('lng')!r} is not a longitude"))
    if problems or village is None or voters is None:
        return None
    if lat is None or lng is None:
        # No coordinates in the list: place the TPS inside its village until someone surveys it.
        point = known.shape(village).representative_point()
        lat, lng = round(point.y, 6), round(point.x, 6)
    return TPS(code=code, village=village, number=int(code[-3:]), voters=voters,
               address=cells["address"], lat=lat, lng=lng, risk=risk)


def _has_point(cells: dict[str, str]) -> bool:
    return bool(cells.get("lat") or cells.get("lng"))


def _check_point(
    tps: TPS, cells: dict[str, str], known: _Known, problems: list[tuple[str, str]]
) -> None:
    """Check the row's own point, if it has one, against the TPS's village."""
    if not _has_point(cells):
        return
    if known.shape(tps.village).distance(Point(tps.lng, tps.lat)) > BOUNDARY_TOLERANCE_DEGREES:
        outside = f"({tps.lat}, {tps.lng}) lies outside {tps.village.name} by more than about 1 km"
        problems.append(("lat", outside))


def _create_boxes(tps_codes: list[str]) -> None:
    contests = sorted(set(Contest.objects.values_list("code", flat=True)))
    ids = dict(TPS.objects.filter(code__in=tps_codes).values_list("code", "id"))
    Box.objects.bulk_create(
        [
            Box(code=box_code(code, c), tps_id=ids[code], contest=c)
            for code in tps_codes
            for c in contests
        ],
        ignore_conflicts=True,
    )


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _float(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
