"""Spreadsheets for the import tests: the shipped examples, and small files written on the spot."""

import csv
from pathlib import Path

from openpyxl import Workbook

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def write_csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path
