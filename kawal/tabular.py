"""Rows from the spreadsheets field staff actually keep: CSV or XLSX (openpyxl).

Row numbers are the ones a user sees in Excel: the header is row 1, data starts at row 2.
Headers are matched case-insensitively, with Indonesian aliases, so `Kode TPS` reads as `code`.

A file is refused whole, naming the row (and column) where it can, when it is larger than
MAX_FILE_BYTES (checked before it is opened), is no readable workbook, is a CSV not in UTF-8
(UTF-16 and Windows-1252 are what Excel writes unless told otherwise), is malformed CSV, or
holds a formula: a cell starting with `=` is refused, never evaluated or stored as text.
"""

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_FILE_BYTES = 20 * 1024 * 1024  # docs/import.md; the real KPU lists are a few MB


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
    if suffix not in {".xlsx", ".xlsm", ".csv"}:
        raise _file_error(path, "expected a .csv or .xlsx file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _file_error(
            path,
            f"the file is {size / 1024 / 1024:.1f} MB; an import takes at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB: split it",
        )
    raw: Sequence[Sequence[object]] = (
        _xlsx_rows(path) if suffix in {".xlsx", ".xlsm"} else _csv_rows(path)
    )
    if not raw:
        raise ImportRejected([CellError(1, "(header)", "the file is empty")])
    names = [aliases.get(_normalise(h), _normalise(h)) for h in raw[0]]
    rows, errors = [], []
    for number, values in enumerate(raw[1:], start=2):
        errors += _formulas(number, names, values)
        extra = [v for v in values[len(names) :] if _text(v)]
        if extra:
            errors.append(CellError(number, "(row)", (
                f"{extra[0]!r} lies past the last named column: give it a header, or quote "
                "a value that holds the delimiter"
            )))  # fmt: skip
        cells = {name: _text(value) for name, value in zip(names, values, strict=False)}
        if any(cells.values()):
            rows.append((number, cells))
    if errors:
        raise ImportRejected(errors)
    return Table(frozenset(names), rows)


def _file_error(path: Path, message: str) -> ImportRejected:
    return ImportRejected([CellError(0, "(file)", f"{path.name}: {message}")])


def _formulas(row: int, names: list[str], values: Sequence[object]) -> list[CellError]:
    """A formula's value is whatever Excel last computed, or a payload for whoever opens an
    export of it: either way not data to import."""
    return [
        CellError(row, names[i] if i < len(names) else f"#{i + 1}", f"{v!r} is a formula: "
                  "type the value itself")
        for i, v in enumerate(values)
        if isinstance(v, str) and v.startswith("=")
    ]  # fmt: skip


def _xlsx_rows(path: Path) -> list[list[object]]:
    # Not data_only: a formula then reads as its text, "=…", and is refused by _formulas.
    try:
        workbook = load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise _file_error(path, f"not a readable XLSX workbook ({exc})") from None
    try:
        sheet = workbook.active
        if sheet is None:
            raise _file_error(path, "the workbook has no sheet")
        return [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _file_error(path, f"not a readable XLSX workbook ({exc})") from None
    finally:
        workbook.close()


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(path, "the file is UTF-16: save it as CSV UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise ImportRejected([CellError(row, "(row)", (
            f"byte 0x{data[exc.start]:02x} is not UTF-8; the file looks like Windows-1252 "
            "or latin-1: save it as CSV UTF-8"
        ))]) from None  # fmt: skip
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRejected([CellError(row, "(row)", "holds a NUL byte: this is no text CSV")])
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel  # one column, or no delimiter the sniffer trusts
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise ImportRejected(
            [CellError(reader.line_num, "(row)", f"malformed CSV: {exc}")]
        ) from None


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
