"""Run every benchmark module and write BENCHMARKS.md.

`python -m benchmarks` runs them all; `python -m benchmarks planner` runs the named ones and
replaces only the figures they measured. Benchmarks start from a fresh data directory (var/bench), never the demo's.
"""

import importlib
import os
import pkgutil
import platform
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(selected: list[str]) -> list[str]:
    names = sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    return [n for n in names if not selected or n in selected]


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def _previous_rows() -> list[str]:
    """The table rows of the last BENCHMARKS.md, so a partial run keeps the others' figures."""
    path = ROOT / "BENCHMARKS.md"
    if not path.exists():
        return []
    rows = [line for line in path.read_text().splitlines() if line.startswith("| ")]
    return rows[1:]  # the first is the header


def main(selected: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawal.settings")
    # Every figure is measured over plain http on 127.0.0.1 (docs/deploy.md, KAWAL_HTTPS).
    os.environ.setdefault("KAWAL_HTTPS", "0")
    if "KAWAL_DATA_DIR" not in os.environ:
        shutil.rmtree(ROOT / "var" / "bench", ignore_errors=True)
        os.environ["KAWAL_DATA_DIR"] = str(ROOT / "var" / "bench")
    from benchmarks import Figure, ensure_postgres_database

    if os.environ.get("KAWAL_DATABASE_URL", "").startswith("postgres"):
        ensure_postgres_database(os.environ["KAWAL_DATABASE_URL"])
    import django

    django.setup()

    names = _modules(selected)
    figures: list[tuple[str, Figure]] = []
    for name in names:
        print(f"== benchmark {name}", flush=True)
        module = importlib.import_module(f"benchmarks.bench_{name}")
        for figure in module.run():
            print(
                f"   {figure.name}: {_cell(figure.value, figure.unit)} (floor {_cell(figure.floor, figure.unit)})"
            )
            figures.append((name, figure))

    # A full run starts the table afresh; a partial one replaces only the figures it measured.
    measured = {(name, f.name) for name, f in figures}
    kept_rows = [
        row
        for row in (_previous_rows() if selected else [])
        if tuple(cell.strip() for cell in row.split("|")[1:3]) not in measured
    ]
    lines = [
        "# Benchmarks",
        "",
        (
            f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}. "
            "Each figure sits beside its floor, measured in the same run."
        ),
        "",
        "| benchmark | figure | value | floor | floor is | aim | note |",
        "|---|---|---|---|---|---|---|",
    ]
    lines.extend(kept_rows)
    for name, f in figures:
        lines.append(
            f"| {name} | {f.name} | {_cell(f.value, f.unit)} | {_cell(f.floor, f.unit)} | "
            f"{f.floor_label} | {f.aim} | {f.note} |"
        )
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {ROOT / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main(sys.argv[1:])
