#!/usr/bin/env bash
# The whole suite: every test on SQLite and, at the same time, every database test again on
# PostgreSQL. The halves are mostly single-threaded, so on two or more cores running them side by
# side halves the wall time. Under CI (CI=true) an unreachable PostgreSQL fails the run;
# elsewhere it is skipped, loudly.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${KAWAL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/kawal}"

pg_reachable() {
  $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
try:
    psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

pg_pid=""
pg_log="$(mktemp -t kawal-pg-tests.XXXXXX)"
if pg_reachable; then
  echo "== Kawal database tests on PostgreSQL ($PG_URL), in the background; their log follows the SQLite half"
  KAWAL_DATABASE_URL="$PG_URL" $BIN/pytest -p no:cacheprovider --durations=15 "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: PostgreSQL at $PG_URL can't be reached, and CI needs it." >&2
  exit 1
fi

echo "== Kawal tests on SQLite"
env -u KAWAL_DATABASE_URL $BIN/pytest --durations=15 "$@"
sqlite_rc=$?

if [ -n "$pg_pid" ]; then
  wait "$pg_pid"
  pg_rc=$?
  echo "== Kawal database tests on PostgreSQL ($PG_URL)"
  cat "$pg_log"
else
  echo "SKIPPED: the PostgreSQL half of the suite ($PG_URL can't be reached)."
  pg_rc=0
fi
rm -f "$pg_log"
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
