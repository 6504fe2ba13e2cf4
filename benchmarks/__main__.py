"""Run every benchmark module and write BENCHMARKS.md.

`python -m benchmarks` runs them all; `python -m benchmarks planner` runs the named ones and
replaces only the figures they measured. Benchmarks start from a fresh data directory (var/bench), never the demo's.
"""

import importlib
import os
import pkgutil
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import ROOT


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


def _previous_loads() -> list[str]:
    """The load lines of the last BENCHMARKS.md's passes, which a partial run keeps."""
    path = ROOT / "BENCHMARKS.md"
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line.startswith("Load average")]


def _engine() -> str:
    return "PostgreSQL" if os.environ.get("KAWAL_DATABASE_URL", "").startswith("postgres") else "SQLite"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def main(selected: list[str]) -> None:
    from benchmarks import Figure, set_up

    set_up()

    names = _modules(selected)
    load_before = _load()
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
        *[
            f"{line}\n"
            for line in (_previous_loads() if selected else [])
            if f"pass of {', '.join(names)} on {_engine()}:" not in line
        ],
        (
            f"Load average of the machine, which other work may share (figures and floors alike "
            f"feel it), for the pass of {', '.join(names)} on {_engine()}: {load_before} as it "
            f"began, {_load()} as it ended; KAWAL_BENCH_SIZE="
            f"{os.environ.get('KAWAL_BENCH_SIZE', '1')} (1 = the whole demo regency)."
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
    # What limits the aims a run misses, summarised from profiles: kept by hand beside the code.
    notes = Path(__file__).parent / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().rstrip()]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {ROOT / 'BENCHMARKS.md'}")


if __name__ == "__main__":
    main(sys.argv[1:])
