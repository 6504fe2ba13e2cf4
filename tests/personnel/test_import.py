"""Importing the real personnel list: all rows or none, and errors that name the cell."""

import csv

import pytest

from kawal.personnel.importer import import_personnel
from kawal.personnel.models import Member
from kawal.tabular import ImportRejected
from tests.spreadsheets import EXAMPLES, write_csv


def snapshot():
    return list(
        Member.objects.order_by("nrp").values_list("nrp", "name", "rank", "unit_id", "region_id")
    )


@pytest.mark.parametrize("example", ["personnel.csv", "personnel.xlsx"])
def test_it_imports_the_shipped_personnel_example(demo, example):
    nrps = [row[0] for row in csv.reader((EXAMPLES / "personnel.csv").open())][1:]
    Member.objects.filter(nrp__in=nrps).delete()
    assert import_personnel(EXAMPLES / example) == len(nrps)
    member = Member.objects.select_related("unit").get(nrp=nrps[0])
    assert member.unit.code == "polsek-genteng"
    assert member.force == "polri"


def test_a_bad_personnel_row_names_its_cell_and_nothing_is_imported(demo, tmp_path):
    before = snapshot()
    rows = [
        ["NRP", "Nama", "Pangkat", "Matra", "Kesatuan"],
        ["99010001", "Budi Santoso", "Bripda", "Polri", "polsek-genteng"],
        ["99010002", "Agus Wibowo", "Prada", "TNI", "polsek-genteng"],  # row 3: force vs unit
        ["99010003", "", "Bripda", "Polri", "polsek-genteng"],  # row 4: no name
        ["99010004", "Eko Saputra", "Bripda", "Marinir", "polsek-genteng"],  # row 5: force
        ["99010005", "Dwi Hartono", "Bripda", "Polri", "polsek-atlantis"],  # row 6: unit
    ]
    with pytest.raises(ImportRejected) as caught:
        import_personnel(write_csv(tmp_path / "p.csv", rows))
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (3, "force"),
        (4, "name"),
        (5, "force"),
        (6, "unit"),
    }
    assert snapshot() == before
