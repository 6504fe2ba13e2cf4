"""Importing the real TPS list: all rows or none, errors that name the cell, boxes for new TPS."""

import pytest
from shapely.geometry import Point

from kawal.accounts.models import AuditEntry
from kawal.custody.models import Box
from kawal.imports.tps import import_tps
from kawal.tabular import ImportRejected
from kawal.territory.geometry import boundary_shape
from kawal.territory.models import TPS
from tests.spreadsheets import EXAMPLES, write_csv, write_xlsx

TPS_HEADER = ["Kode TPS", "DPT", "Alamat", "Latitude", "Longitude", "Kerawanan"]


def snapshot():
    return (
        list(
            TPS.objects.order_by("code").values_list(
                "code", "voters", "address", "lat", "lng", "risk"
            )
        ),
        Box.objects.count(),
    )


@pytest.mark.parametrize("example", ["tps.csv", "tps.xlsx"])
def test_it_imports_the_shipped_tps_example_and_adds_boxes_for_a_new_tps(demo, example):
    new_code = "35.10.09.2001-014"
    assert not TPS.objects.filter(code=new_code).exists()
    count = import_tps(EXAMPLES / example)
    assert count == 14
    new = TPS.objects.get(code=new_code)
    assert new.voters == 388
    assert set(new.boxes.values_list("contest", flat=True)) == {"BUP", "GUB"}
    assert AuditEntry.objects.filter(action="import.tps", details__rows=14).exists()


def test_it_updates_a_known_tps_by_code(demo, tmp_path):
    target = TPS.objects.get(code="35.10.01.2001-001")
    rows = [TPS_HEADER, [target.code, 123, "Balai Desa Sarongan", target.lat, target.lng, "rawan"]]
    import_tps(write_csv(tmp_path / "tps.csv", rows))
    target.refresh_from_db()
    assert (target.voters, target.address, target.risk) == (123, "Balai Desa Sarongan", "rawan")


def test_a_tps_without_coordinates_is_placed_inside_its_village(demo, tmp_path):
    rows = [TPS_HEADER, ["35.10.01.2001-099", 200, "Dusun Baru", "", "", ""]]
    import_tps(write_csv(tmp_path / "tps.csv", rows))
    tps = TPS.objects.select_related("village").get(code="35.10.01.2001-099")
    assert boundary_shape(tps.village).contains(Point(tps.lng, tps.lat))


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(demo, tmp_path, writer):
    before = snapshot()
    rows = [
        TPS_HEADER,
        ["35.10.01.2001-001", 300, "Dusun Krajan", "", "", ""],  # good, would update
        ["35.10.01.2001-098", 250, "Dusun Baru", "", "", ""],  # good, would create
        ["35.10.01.2001-097", 601, "Dusun Lor", "", "", ""],  # row 4: too many voters
        ["35.10.99.9999-001", 100, "Nowhere", "", "", ""],  # row 5: unknown village
        ["35.10.01.2001-096", 100, "Dusun Kidul", "-7.0", "112.0", ""],  # row 6: outside village
    ]
    path = writer(tmp_path / ("tps" + (".csv" if writer is write_csv else ".xlsx")), rows)
    with pytest.raises(ImportRejected) as caught:
        import_tps(path)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(4, "voters"), (5, "code"), (6, "lat")}
    assert "row 4, column voters" in str(caught.value)
    assert snapshot() == before


def test_a_missing_column_is_named(demo, tmp_path):
    path = write_csv(tmp_path / "tps.csv", [["Kode TPS", "Alamat"], ["35.10.01.2001-001", "x"]])
    with pytest.raises(ImportRejected, match="row 1, column voters: required column is missing"):
        import_tps(path)


def test_a_repeated_tps_code_is_named_with_its_first_row(demo, tmp_path):
    rows = [
        TPS_HEADER,
        ["35.10.01.2001-050", 100, "A", "", "", ""],
        ["35.10.01.2001-050", 100, "B", "", "", ""],
    ]
    with pytest.raises(
        ImportRejected,
        match=r"row 3, column code: 35.10.01.2001-050 appears again \(first on row 2\)",
    ):
        import_tps(write_csv(tmp_path / "tps.csv", rows))
