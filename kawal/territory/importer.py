"""Import the real TPS list (KPU's, kept in Excel) into the territory.

Rows are matched by TPS code: a known code is updated, a new one is created with a ballot
box per contest of the region's operation. The whole file is checked before anything is
written, and written in one transaction: a bad row means nothing is imported.
"""

from pathlib import Path

from django.db import transaction
from shapely.geometry import Point

from kawal.accounts import audit
from kawal.custody.models import Box, box_code
from kawal.operations.models import Contest
from kawal.tabular import CellError, ImportRejected, read_table
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


def import_tps(path: Path, *, actor=None) -> int:
    table = read_table(path, ALIASES)
    table.require("code", "voters", "address")
    villages = {r.code: r for r in Region.objects.filter(level=Region.Level.DESA)}
    shapes: dict = {}
    errors: list[CellError] = []
    parsed: list[TPS] = []
    seen: dict[str, int] = {}

    for row, cells in table.rows:
        before = len(errors)

        def bad(column: str, message: str, row: int = row) -> None:
            errors.append(CellError(row, column, message))

        match = TPS_CODE.match(cells.get("code", ""))
        if not match:
            bad("code", f"{cells.get('code')!r} is not a TPS code like 35.10.01.2001-001")
            continue
        code, village_code = cells["code"], match["village"]
        if code in seen:
            bad("code", f"{code} appears again (first on row {seen[code]})")
        seen.setdefault(code, row)
        village = villages.get(village_code)
        if village is None:
            bad("code", f"village {village_code} is not a known desa/kelurahan")
        voters = _int(cells.get("voters", ""))
        if voters is None or not 1 <= voters <= MAX_VOTERS:
            bad("voters", f"{cells.get('voters')!r} must be a whole number from 1 to {MAX_VOTERS}")
        if not cells.get("address"):
            bad("address", "is empty")
        risk = cells.get("risk", "").strip().lower() or "kurang_rawan"
        risk = RISKS.get(risk, risk)
        if risk not in TPS.Risk.values:
            bad(
                "risk", f"{cells['risk']!r} is not one of kurang rawan, rawan, sangat rawan, khusus"
            )
        lat, lng = _float(cells.get("lat", "")), _float(cells.get("lng", ""))
        has_point = bool(cells.get("lat") or cells.get("lng"))
        if has_point and (lat is None or not -90 <= lat <= 90):
            bad("lat", f"{cells.get('lat')!r} is not a latitude")
        if has_point and (lng is None or not -180 <= lng <= 180):
            bad("lng", f"{cells.get('lng')!r} is not a longitude")
        if len(errors) > before or village is None:
            continue
        if village_code not in shapes:
            shapes[village_code] = boundary_shape(village)
        shape = shapes[village_code]
        if has_point:
            if shape.distance(Point(lng, lat)) > BOUNDARY_TOLERANCE_DEGREES:
                bad("lat", f"({lat}, {lng}) lies outside {village.name} by more than about 1 km")
                continue
        else:
            # No coordinates in the list: place the TPS inside its village until someone surveys it.
            inside = shape.representative_point()
            lat, lng = round(inside.y, 6), round(inside.x, 6)
        parsed.append(
            TPS(
                code=code,
                village=village,
                number=int(code[-3:]),
                voters=voters,
                address=cells["address"],
                lat=lat,
                lng=lng,
                risk=risk,
            )
        )
    if errors:
        raise ImportRejected(errors)
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
