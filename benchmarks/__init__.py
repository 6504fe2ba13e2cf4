"""Kawal's benchmarks: one module per figure; `make bench` runs them all into BENCHMARKS.md.

Each module `benchmarks/bench_<name>.py` has `run() -> list[Figure]`. Every figure carries
its floor, measured in the same run (for ingest: the same rows written by the bare
database driver), so a reader can judge the figure against this machine, not a guess.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Figure:
    name: str  # what was measured
    value: float
    unit: str
    floor: float | None  # the same work done the most direct way, in the same run
    floor_label: str
    aim: str = ""  # the figure the issue asks for, if any
    note: str = ""


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database that `url` names, if the server lacks it."""
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def set_up() -> None:
    """Django for a benchmark run: plain http on 127.0.0.1 (docs/deploy.md, KAWAL_HTTPS), a
    fresh data directory of its own (var/bench), never the demo's, unless KAWAL_DATA_DIR
    names one, and the PostgreSQL database KAWAL_DATABASE_URL names created if it is new."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawal.settings")
    os.environ.setdefault("KAWAL_HTTPS", "0")
    if "KAWAL_DATA_DIR" not in os.environ:
        shutil.rmtree(ROOT / "var" / "bench", ignore_errors=True)
        os.environ["KAWAL_DATA_DIR"] = str(ROOT / "var" / "bench")
    if os.environ.get("KAWAL_DATABASE_URL", "").startswith("postgres"):
        ensure_postgres_database(os.environ["KAWAL_DATABASE_URL"])
    import django

    django.setup()
