"""Files no import should take: too large, not a workbook, not UTF-8, malformed CSV, or with
formulas. Each is refused with the row (and column) named, and nothing is written."""

import pytest
from openpyxl import Workbook

from kawal.accounts.models import AuditEntry
from kawal.imports.tps import import_tps
from kawal.personnel.importer import import_personnel
from kawal.personnel.models import Member
from kawal.tabular import MAX_FILE_BYTES, ImportRejected
from kawal.territory.models import TPS
from tests.spreadsheets import write_csv, write_xlsx

HEADER = ["Kode TPS", "DPT", "Alamat"]
GOOD = ["35.09.01.2001-001", 123, "Balai Desa"]  # a known TPS of the small operation
PEOPLE = ["NRP", "Nama", "Pangkat", "Matra", "Kesatuan"]


def unchanged() -> tuple:
    return (
        list(TPS.objects.order_by("code").values_list("code", "voters", "address")),
        Member.objects.count(),
        AuditEntry.objects.filter(action__startswith="import.").count(),
    )


def rejected(importer, path) -> list[str]:
    before = unchanged()
    with pytest.raises(ImportRejected) as caught:
        importer(path)
    assert unchanged() == before
    return [str(e) for e in caught.value.errors]


def test_a_file_over_the_limit_is_refused_before_it_is_read(small, tmp_path):
    path = tmp_path / "tps.csv"
    with path.open("wb") as f:
        f.write(b"kode_tps,dpt,alamat\n")
        f.truncate(50 * 1024 * 1024)  # 50 MB, sparse: cheap to make
    assert path.stat().st_size > MAX_FILE_BYTES
    assert rejected(import_tps, path) == [
        "row 0, column (file): tps.csv: the file is 50.0 MB; an import takes at most 20 MB: split it"
    ]


def test_a_utf16_csv_is_named_as_such(small, tmp_path):
    path = tmp_path / "tps.csv"
    path.write_text("Kode TPS,DPT,Alamat\n35.09.01.2001-001,123,Balai\n", encoding="utf-16")
    assert rejected(import_tps, path) == [
        "row 0, column (file): tps.csv: the file is UTF-16: save it as CSV UTF-8"
    ]


def test_a_latin1_csv_names_the_row_of_its_first_foreign_byte(small, tmp_path):
    path = tmp_path / "tps.csv"
    rows = "Kode TPS,DPT,Alamat\n35.09.01.2001-001,123,Balai\n35.09.01.2001-002,99,Café\n"
    path.write_bytes(rows.encode("latin-1"))
    [error] = rejected(import_tps, path)
    assert error.startswith("row 3, column (row): byte 0xe9 is not UTF-8")
    assert "save it as CSV UTF-8" in error


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('35.09.01.2001-001,123,"Balai\n', "row 2, column (row): malformed CSV: unexpected end"),
        ("35.09.01.2001-001,123,Jl. Merdeka, No. 5\n", "row 2, column (row): ' No. 5' lies past"),
        ("35.09.01.2001-001,123,Bal\x00ai\n", "row 2, column (row): holds a NUL byte"),
    ],
    ids=["unclosed quote", "unquoted delimiter", "NUL"],
)
def test_malformed_csv_names_its_row(small, tmp_path, body, error):
    path = tmp_path / "tps.csv"
    path.write_text("Kode TPS,DPT,Alamat\n" + body, encoding="utf-8")
    [found] = rejected(import_tps, path)
    assert found.startswith(error)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"kode,dpt\n1,2\n"])
def test_a_file_that_is_no_workbook_is_refused(small, tmp_path, content):
    path = tmp_path / "tps.xlsx"
    path.write_bytes(content)
    [error] = rejected(import_tps, path)
    assert error.startswith("row 0, column (file): tps.xlsx: not a readable XLSX workbook")


def test_a_workbook_missing_its_parts_is_refused(small, tmp_path):
    import zipfile

    path = tmp_path / "tps.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    [error] = rejected(import_tps, path)
    assert "not a readable XLSX workbook" in error


def test_a_formula_cell_in_a_workbook_is_named_by_row_and_column(small, tmp_path):
    path = write_xlsx(
        tmp_path / "tps.xlsx",
        [HEADER, GOOD, ["35.09.01.2001-002", "=100+23", "Balai"], ["35.09.01.2001-003", 9, "=A1"]],
    )
    assert rejected(import_tps, path) == [
        "row 3, column voters: '=100+23' is a formula: type the value itself",
        "row 4, column address: '=A1' is a formula: type the value itself",
    ]


def test_a_formula_in_a_csv_is_refused_too(small, tmp_path):
    rows = [
        PEOPLE,
        ["99010001", '=HYPERLINK("http://x","klik")', "Bripda", "Polri", "polres-contoh"],
    ]
    assert rejected(import_personnel, write_csv(tmp_path / "p.csv", rows)) == [
        'row 2, column name: \'=HYPERLINK("http://x","klik")\' is a formula: type the value itself'
    ]


def test_negative_numbers_and_plain_text_still_import(small, tmp_path):
    rows = [[*HEADER, "Latitude", "Longitude"], [*GOOD, "-7.997", "113.625"]]
    assert import_tps(write_csv(tmp_path / "tps.csv", rows)) == 1
    assert TPS.objects.get(code=GOOD[0]).voters == 123


def test_a_csv_saved_as_utf8_with_bom_imports(small, tmp_path):
    path = tmp_path / "tps.csv"
    path.write_text("Kode TPS;DPT;Alamat\n35.09.01.2001-001;123;Balai\n", encoding="utf-8-sig")
    assert import_tps(path) == 1


def test_an_empty_sheet_is_named(small, tmp_path):
    path = tmp_path / "tps.xlsx"
    Workbook().save(path)
    [error] = rejected(import_tps, path)
    assert "the file is empty" in error
