"""`kawal backup` and `kawal restore` refusing what they must not do, with nothing changed.

Taking and restoring real backups needs a database on disk and a live server writing to it:
tests/chaos/test_backup.py.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kawal.backups import PG_DUMP_HEADER, SQLITE_HEADER
from kawal.custody.models import Box

pytestmark = pytest.mark.django_db


def test_it_refuses_to_restore_over_a_database_that_is_not_empty(small, tmp_path):
    own_kind = SQLITE_HEADER if connection.vendor == "sqlite" else PG_DUMP_HEADER
    backup = tmp_path / "kawal.backup"
    backup.write_bytes(own_kind + b"\0" * 100)
    boxes = Box.objects.count()
    with pytest.raises(CommandError, match=r"not empty .* --force"):
        call_command("restore", str(backup))
    assert Box.objects.count() == boxes


def test_it_refuses_a_backup_of_the_other_database(db, tmp_path):
    other = PG_DUMP_HEADER if connection.vendor == "sqlite" else SQLITE_HEADER
    backup = tmp_path / "kawal.backup"
    backup.write_bytes(other + b"\0" * 100)
    with pytest.raises(CommandError, match=f"this Kawal runs on {connection.vendor}"):
        call_command("restore", "--force", str(backup))


def test_it_refuses_a_file_that_is_no_backup(db, tmp_path):
    backup = tmp_path / "notes.txt"
    backup.write_text("rakor minutes")
    with pytest.raises(CommandError, match="not a Kawal backup"):
        call_command("restore", str(backup))


def test_it_never_writes_a_backup_over_an_existing_file(db, tmp_path):
    earlier = tmp_path / "kawal.backup"
    earlier.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(earlier))
    assert earlier.read_bytes() == b"yesterday's backup"
