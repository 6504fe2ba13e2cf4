"""Load regions (codes, names, centroids, boundaries) from a shipped region folder.

The folder holds regions.csv (code,name,level,parent_code,kind,lat,lng) and GeoJSON
boundaries per level (kecamatan.geojson, desa.geojson), as in kawal/demo/data/banyuwangi.
"""

import csv
import json
from pathlib import Path

from django.db import transaction

from kawal.territory.models import Region

LEVEL_FILES = {"kecamatan": "kecamatan.geojson", "desa": "desa.geojson"}


def read_boundaries(folder: Path) -> dict[str, dict]:
    boundaries: dict[str, dict] = {}
    for filename in LEVEL_FILES.values():
        path = folder / filename
        if path.exists():
            for feature in json.loads(path.read_text())["features"]:
                boundaries[feature["properties"]["code"]] = feature["geometry"]
    return boundaries


@transaction.atomic
def load_regions(folder: Path) -> int:
    """Create or refresh every region in the folder; parents come before children."""
    boundaries = read_boundaries(folder)
    with (folder / "regions.csv").open(newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: len(r["code"]))
    for line, row in enumerate(rows, start=2):
        if row["level"] not in Region.Level.values:
            raise ValueError(f"regions.csv row {line}: level {row['level']!r} is unknown")
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "kind": row["kind"] or "",
                "parent_id": row["parent_code"] or None,
                "lat": float(row["lat"]),
                "lng": float(row["lng"]),
                "boundary": boundaries.get(row["code"]),
            },
        )
    return len(rows)
