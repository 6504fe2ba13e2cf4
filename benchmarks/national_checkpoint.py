"""The checkpoint benchmark on the national dataset, on PostgreSQL (bench_checkpoint.py).

Run in a subprocess against the national database, as bench_overview's national figures
are: the dataset is generated there once (benchmarks/national.py, which fills each event's
log position) and reused while its counts match.
"""

from benchmarks import Figure
from benchmarks.bench_overview import in_national_database

BATCH = 500
COLUMNS = ("box_id, seq, kind, occurred_at, received_at, place, lat, lng, from_party, to_party, "
           "escorts, seals, document, note, corrects_id, recorded_by_id, prev_hash, hash, regency, "
           "cosignatures, signature")


def run() -> list[Figure]:
    return in_national_database("benchmarks.bench_checkpoint", "national checkpoint")


def _forget() -> None:
    """Remove this benchmark's checkpoints, batch and audit entries: the log as generated.
    Bypasses the append-only triggers, as the generator's bulk load does."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM custody_checkpoint")
        cursor.execute("DELETE FROM custody_custodyevent WHERE seq > 100")
        cursor.execute("DELETE FROM accounts_auditentry WHERE action = %s", ["custody.checkpoint"])


def _append_batch() -> None:
    """BATCH events appended to the log in bulk SQL, at the next positions (as the ledger
    would place them): copies of existing events, numbered past every box's journey."""
    from django.db import connection, transaction

    from kawal.custody import log

    with transaction.atomic(), connection.cursor() as cursor:
        start = log.next_position()
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"INSERT INTO custody_custodyevent (id, position, {COLUMNS}) "
            f"SELECT gen_random_uuid(), %s + row_number() OVER (ORDER BY position) - 1, "
            f"{COLUMNS.replace('seq,', 'seq + 100,')} FROM custody_custodyevent "
            f"WHERE seq <= 100 ORDER BY position LIMIT {BATCH}",
            [start],
        )


def figures() -> list[dict]:
    """In the subprocess on PostgreSQL: the national first checkpoint and the next, each
    beside bare hashlib over the same leaves."""
    from benchmarks import bench_overview
    from benchmarks.bench_checkpoint import _bare_hashlib, _leaf_inputs, _timed_checkpoint
    from kawal.custody import checkpoints

    bench_overview._national_setup()
    _forget()
    inputs = _leaf_inputs(0)
    first_ms, size, _ = _timed_checkpoint()
    first_floor = _bare_hashlib(inputs[:size], [], 0)
    del inputs
    last = checkpoints.latest()
    assert last is not None
    _append_batch()
    inputs = _leaf_inputs(last.size)
    next_ms, _, added = _timed_checkpoint()
    next_floor = _bare_hashlib(inputs[:added], [bytes.fromhex(h) for h in last.frontier], last.size)
    _forget()
    label = "bare hashlib over the same leaves"
    result = [
        Figure("first checkpoint over the national log (PostgreSQL)", first_ms, "ms", first_floor,
               label, note=f"PostgreSQL; {size:,} leaves: every event of the national dataset"),
        Figure("next national checkpoint after a batch (PostgreSQL)", next_ms, "ms", next_floor,
               label, note=f"PostgreSQL; {added:,} leaves added: {BATCH} events appended in "
               "bulk SQL and the first checkpoint's audit entry"),
    ]
    return [vars(f) for f in result]
