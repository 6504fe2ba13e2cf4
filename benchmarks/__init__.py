"""Kawal's benchmarks: one module per figure; `make bench` runs them all into BENCHMARKS.md.

Each module `benchmarks/bench_<name>.py` has `run() -> list[Figure]`. Every figure carries
its floor, measured in the same run (for ingest: the same rows written by the bare
database driver), so a reader can judge the figure against this machine, not a guess.
"""

from dataclasses import dataclass


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
