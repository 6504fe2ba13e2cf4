"""Rows from the spreadsheets field staff actually keep: CSV or XLSX (openpyxl).

Row numbers are the ones a user sees in Excel: the header is row 1, data starts at row 2.
Headers are matched case-insensitively, with Indonesian aliases, so `Kode TPS` reads as `code`.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportRejected(Exception):
    """The file has bad rows; nothing was imported."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} error(s); nothing was imported:\n{shown}{more}")


def _normalise(header: object) -> str:
    return str(header or "").strip().lower().replace(" ", "_").replace("-", "_").replace(".", "")


@dataclass(frozen=True)
class Table:
    columns: frozenset[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as Excel shows it, {column: text})

    def require(self, *required: str) -> None:
        missing = sorted(set(required) - self.columns)
        if missing:
            raise ImportRejected(
                [CellError(1, name, "required column is missing") for name in missing]
            )


def read_table(path: Path, aliases: dict[str, str]) -> Table:
    """Every non-empty row of the first sheet (XLSX) or the file (CSV), columns renamed by aliases."""
    suffix = path.suffix.lower()
    raw: Sequence[Sequence[object]]
    if suffix in {".xlsx", ".xlsm"}:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.active
        if sheet is None:
            raise ImportRejected([CellError(0, "(file)", f"{path.name}: the workbook has no sheet")])
        raw = [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    elif suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            dialect = (
                csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
            )
            raw = list(csv.reader(handle, dialect))
    else:
        raise ImportRejected(
            [CellError(0, "(file)", f"{path.name}: expected a .csv or .xlsx file")]
        )
    if not raw:
        raise ImportRejected([CellError(1, "(header)", "the file is empty")])
    names = [aliases.get(_normalise(h), _normalise(h)) for h in raw[0]]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        cells = {name: _text(value) for name, value in zip(names, values, strict=False)}
        if any(cells.values()):
            rows.append((number, cells))
    return Table(frozenset(names), rows)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
