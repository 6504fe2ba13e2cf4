"""Backups of the whole database, taken while writes go on, and their restore.

- SQLite: the online backup API (sqlite3.Connection.backup) copies every page in one step,
  inside one read transaction. In WAL mode the writers carry on meanwhile, and the copy is
  the database as it stood when the step began.
- PostgreSQL: pg_dump in its custom format, which reads the whole database in one snapshot;
  pg_restore brings it back.

Either way a backup holds a moment of the custody log with the checkpoints signed up to it,
so `kawal verify --against DIGEST` proves a restored copy holds what those covered. A backup
is written beside its path and renamed into place once whole: a path that exists is a whole
backup. Restoring replaces nothing unless asked: the target database must be empty, or the
caller must force it. Both are audited, in the database they leave behind.
"""

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

from kawal.accounts import audit

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that can't be done; the message says why and what to do."""


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The connection options of pg_dump and pg_restore, and their environment."""
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client tools"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def backup(path: Path) -> int:
    """Write a consistent snapshot of the database to `path`, which must not exist; its size
    in bytes. Audited as `database.backup`."""
    if path.exists():
        raise BackupError(f"{path} exists already: give the backup a new path")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    db = _settings()
    if connection.vendor == "sqlite":
        if not Path(db["NAME"]).is_file():
            raise BackupError(f"{db['NAME']}: no database to back up")
        source = sqlite3.connect(db["NAME"], timeout=30)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # every page in one step: one read transaction
        finally:
            target.close()
            source.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_args(db)
        _run(["pg_dump", "--format=custom", f"--file={partial}", *args], env)
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    partial.rename(path)
    size = path.stat().st_size
    audit.record("database.backup", actor=None, path=str(path.resolve()), bytes=size, vendor=connection.vendor)
    return size


def _tables() -> list[str]:
    return connection.introspection.table_names()


def _check_kind(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    expected = {"sqlite": SQLITE_HEADER, "postgresql": PG_DUMP_HEADER}.get(connection.vendor)
    if expected is None:
        raise BackupError(f"restoring into {connection.vendor} databases is not supported")
    if not head.startswith(expected):
        kind = "a PostgreSQL backup" if head.startswith(PG_DUMP_HEADER) else (
            "an SQLite backup" if head.startswith(SQLITE_HEADER) else "not a Kawal backup"
        )  # fmt: skip
        raise BackupError(f"{path} is {kind}, and this Kawal runs on {connection.vendor}")


def restore(path: Path, *, force: bool = False) -> None:
    """Bring the backup at `path` back into this Kawal's database. It must be empty unless
    `force`, which replaces what it holds. Audited as `database.restore`."""
    _check_kind(path)
    tables = _tables()
    if tables and not force:
        raise BackupError(
            f"the database is not empty (it holds {len(tables)} tables): restoring would "
            "replace it, so say --force if that is what you want"
        )
    db = _settings()
    connection.close()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(db["NAME"], timeout=30)
        try:
            source.backup(target)  # replaces every page of the target
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_args(db)
        clean = ["--clean", "--if-exists"] if tables else []
        _run(
            ["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", *clean,
             *args, str(path)],
            env,
        )  # fmt: skip
    audit.record("database.restore", actor=None, path=str(path.resolve()), replaced=bool(tables))
