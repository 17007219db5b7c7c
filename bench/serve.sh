#!/usr/bin/env bash
# The server as the Procfile runs it, on a fresh SQLite database (persistence on), rate limits
# off, for bench/perf.py. PORT comes from the environment (compare.sh exports it).
# Worker class: geventwebsocket.gunicorn.workers.GeventWebSocketWorker, as in the Procfile.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DB="${BENCH_DB:-/tmp/chat-bench-$PORT.sqlite3}"
rm -f "$DB"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$DB}" RATE_LIMITS_ENABLED=0 \
  SECRET_KEY="${SECRET_KEY:-bench}" CLIENT_URL='*'
.venv/bin/flask db upgrade >/dev/null 2>&1
web="$(sed -n 's/^web: //p' Procfile)"
exec .venv/bin/${web//\$PORT/$PORT}
