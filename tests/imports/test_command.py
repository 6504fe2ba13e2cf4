"""`kawal import tps|personnel FILE`: one command for both lists, all rows or none."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kawal.personnel.models import Member
from kawal.territory.models import TPS
from tests.imports.test_tps import TPS_HEADER, snapshot
from tests.spreadsheets import EXAMPLES, write_csv


def test_the_import_command_reports_errors_and_leaves_the_database_unchanged(demo, tmp_path):
    before = snapshot()
    path = write_csv(
        tmp_path / "tps.csv", [TPS_HEADER, ["35.10.01.2001-001", "banyak", "x", "", "", ""]]
    )
    with pytest.raises(CommandError, match="row 2, column voters"):
        call_command("import", "tps", str(path))
    assert snapshot() == before


def test_the_import_command_says_how_many_rows_it_imported(demo):
    out = StringIO()
    call_command("import", "tps", str(EXAMPLES / "tps.csv"), stdout=out)
    assert out.getvalue() == "Imported 14 tps rows from tps.csv\n"
    assert TPS.objects.filter(code="35.10.09.2001-014").exists()


def test_the_import_command_imports_personnel_too(demo):
    nrps = [row[0] for row in csv.reader((EXAMPLES / "personnel.csv").open())][1:]
    Member.objects.filter(nrp__in=nrps).delete()
    out = StringIO()
    call_command("import", "personnel", str(EXAMPLES / "personnel.csv"), stdout=out)
    assert out.getvalue() == f"Imported {len(nrps)} personnel rows from personnel.csv\n"
    assert Member.objects.filter(nrp__in=nrps).count() == len(nrps)


def test_the_import_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no-such.csv: no such file"):
        call_command("import", "tps", str(tmp_path / "no-such.csv"))
