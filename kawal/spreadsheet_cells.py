"""The one way an export writes a cell, so that no text becomes a formula (CSV injection).

A name, a post or a note typed as `=HYPERLINK(...)`, `+62...`, `-1` or `@SUM(...)` is data.
openpyxl would store a string starting with `=` as a formula, and Excel or LibreOffice treat
`+`, `-`, `@`, a tab or a carriage return at the start of a typed cell as one too. Such text is
written as a string cell with Excel's quote prefix: shown exactly as typed, never evaluated,
and still text when someone edits the cell. Numbers and dates are written as they are.
"""

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def put(ws: Worksheet, row: int, column: int, value: object) -> Cell | MergedCell:
    """Write `value` into the cell at (`row`, `column`) of `ws`; text is always text."""
    cell = ws.cell(row=row, column=column)
    cell.value = value  # type: ignore[assignment]  # openpyxl checks the type itself
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell
