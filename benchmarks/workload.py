"""One ingest workload on its own, for profiling and for comparing two commits in turn:
`python -m benchmarks.workload in_order` (or `one_by_one`, `late`), on the database that
KAWAL_DATABASE_URL names (SQLite in var/bench by default). It prints the figure beside its
floor, as `make bench` measures it, and writes nothing to BENCHMARKS.md. With PYTHONPATH set
to another checkout, the server it starts runs that checkout's code."""

import sys

from benchmarks import set_up

WORKLOADS = ("in_order", "one_by_one", "late")


def main(names: list[str]) -> None:
    unknown = [n for n in names if n not in WORKLOADS]
    if not names or unknown:
        raise SystemExit(f"usage: python -m benchmarks.workload {'|'.join(WORKLOADS)} …")
    set_up()
    from benchmarks import bench_ingest, dataset, workloads

    dataset.prepare()
    dataset.reset()
    world = workloads.World.read()
    for name in names:
        for figure in getattr(bench_ingest, f"_{name}")(world):
            print(
                f"{figure.name}: {figure.value:,.0f} {figure.unit} "
                f"(floor {figure.floor:,.0f}); {figure.note}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
