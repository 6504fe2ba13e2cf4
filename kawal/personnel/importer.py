"""Import the real personnel list (the Excel 'daftar personel') into units and members.

Rows are matched by NRP (NIP for Linmas): a known NRP is updated, a new one created. The
whole file is checked first and written in one transaction: a bad row means nothing is imported.
"""

from pathlib import Path

from django.db import transaction

from kawal.accounts import audit
from kawal.personnel.models import Force, Member, Unit
from kawal.tabular import CellError, ImportRejected, read_table
from kawal.territory.models import Region, Sector

ALIASES = {
    "nip": "nrp",
    "nrp/nip": "nrp",
    "nrp_nip": "nrp",
    "nama": "name",
    "pangkat": "rank",
    "matra": "force",
    "kesatuan": "unit",
    "satuan": "unit",
    "sektor": "home_sector",
    "wilayah": "region",
    "kode_wilayah": "region",
    "telepon": "phone",
    "hp": "phone",
    "no_hp": "phone",
}
FORCE_WORDS = {
    "polri": "polri",
    "polisi": "polri",
    "tni": "tni",
    "linmas": "linmas",
    "satlinmas": "linmas",
}


def import_personnel(path: Path, *, actor=None) -> int:
    table = read_table(path, ALIASES)
    table.require("nrp", "name", "rank", "force", "unit")
    units = {key: u for u in Unit.objects.all() for key in (u.code, u.name.lower())}
    sectors = dict(Sector.objects.values_list("code", "id"))
    regions = set(Region.objects.values_list("code", flat=True))
    errors: list[CellError] = []
    parsed: list[Member] = []
    seen: dict[str, int] = {}

    for row, cells in table.rows:
        before = len(errors)

        def bad(column: str, message: str, row: int = row) -> None:
            errors.append(CellError(row, column, message))

        nrp = cells.get("nrp", "")
        if not nrp:
            bad("nrp", "is empty")
        elif nrp in seen:
            bad("nrp", f"{nrp} appears again (first on row {seen[nrp]})")
        seen.setdefault(nrp, row)
        for column in ("name", "rank"):
            if not cells.get(column):
                bad(column, "is empty")
        force = FORCE_WORDS.get(cells.get("force", "").lower())
        if force is None:
            bad("force", f"{cells.get('force')!r} is not one of {', '.join(Force.values)}")
        unit = units.get(cells.get("unit", "")) or units.get(cells.get("unit", "").lower())
        if unit is None:
            bad("unit", f"{cells.get('unit')!r} is not a known unit code or name")
        elif force and unit.force != force:
            bad("force", f"{force} does not match unit {unit.code}, which is {unit.force}")
        sector_code = cells.get("home_sector", "")
        if sector_code and sector_code not in sectors:
            bad("home_sector", f"{sector_code!r} is not a known Polsek or Koramil code")
        region = cells.get("region", "") or (unit.region_id if unit else "")
        if region and region not in regions:
            bad("region", f"{region!r} is not a known region code")
        if len(errors) > before:
            continue
        parsed.append(
            Member(
                nrp=nrp,
                name=cells["name"],
                rank=cells["rank"],
                force=force,
                unit=unit,
                home_sector_id=sectors.get(sector_code) if sector_code else unit.sector_id,
                region_id=region,
                phone=cells.get("phone", ""),
            )
        )
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        Member.objects.bulk_create(
            parsed,
            update_conflicts=True,
            unique_fields=["nrp"],
            update_fields=["name", "rank", "force", "unit", "home_sector", "region", "phone"],
            batch_size=1000,
        )
        audit.record("import.personnel", actor=actor, file=path.name, rows=len(parsed))
    return len(parsed)
