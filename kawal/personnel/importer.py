"""Import the real personnel list (the Excel 'daftar personel') into units and members.

Rows are matched by NRP (NIP for Linmas): a known NRP is updated, a new one created. The
whole file is checked first and written in one transaction: a bad row means nothing is imported.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import User
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


def import_personnel(path: Path, *, actor: User | None = None) -> int:
    """Check every row of the file, then write them all; answers the count."""
    table = read_table(path, ALIASES)
    table.require("nrp", "name", "rank", "force", "unit")
    known = _Known(
        units={key: u for u in Unit.objects.all() for key in (u.code, u.name.lower())},
        sectors=dict(Sector.objects.values_list("code", "id")),
        regions=set(Region.objects.values_list("code", flat=True)),
    )
    errors: list[CellError] = []
    parsed: list[Member] = []
    for row, cells in table.rows:
        problems: list[tuple[str, str]] = []  # (column, message)
        member = _checked(row, cells, known, problems)
        errors += [CellError(row, column, message) for column, message in problems]
        if member is not None:
            parsed.append(member)
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


@dataclass
class _Known:
    """What checking a row needs besides the row: units, sectors, regions, the rows before it."""

    units: dict[str, Unit]  # by code and by lower-case name
    sectors: dict[str, int]  # Polsek or Koramil code: id
    regions: set[str]
    seen: dict[str, int] = field(default_factory=dict)  # NRP: the row it was first on


def _checked(
    row: int, cells: dict[str, str], known: _Known, problems: list[tuple[str, str]]
) -> Member | None:
    """The row's member; None if any cell is bad."""
    nrp = cells.get("nrp", "")
    if not nrp:
        problems.append(("nrp", "is empty"))
    elif nrp in known.seen:
        problems.append(("nrp", f"{nrp} appears again (first on row {known.seen[nrp]})"))
    known.seen.setdefault(nrp, row)
    for column in ("name", "rank"):
        if not cells.get(column):
            problems.append((column, "is empty"))
    force = FORCE_WORDS.get(cells.get("force", "").lower())
    if force is None:
        problems.append(("force", f"{cells.get('force')!r} is not one of {', '.join(Force.values)}"))
    unit = known.units.get(cells.get("unit", "")) or known.units.get(cells.get("unit", "").lower())
    if unit is None:
        problems.append(("unit", f"{cells.get('unit')!r} is not a known unit code or name"))
    elif force and unit.force != force:
        problems.append(("force", f"{force} does not match unit {unit.code}, which is {unit.force}"))
    sector_code = cells.get("home_sector", "")
    if sector_code and sector_code not in known.sectors:
        problems.append(("home_sector", f"{sector_code!r} is not a known Polsek or Koramil code"))
    region = cells.get("region", "") or (unit.region_id if unit else "")
    if region and region not in known.regions:
        problems.append(("region", f"{region!r} is not a known region code"))
    if problems or unit is None or force is None:
        return None
    return Member(
        nrp=nrp,
        name=cells["name"],
        rank=cells["rank"],
        force=force,
        unit=unit,
        home_sector_id=known.sectors.get(sector_code) if sector_code else unit.sector_id,
        region_id=region,
        phone=cells.get("phone", ""),
    )
