#!/usr/bin/env bash
# The reaction benchmark end to end: one server process (the Procfile's web line, SQLite in a
# temporary folder, rate limits off so that hundreds of guests from one address may join),
# then bench/reactions.mjs against it. Prints the load generator's figures.
#
#   bench/reactions.sh [clients] [presses/s each] [seconds] [batch ms] [each|batched]
#   # defaults 5000 10 30 500 batched (how participants hear arrivals: as our pages, or as the
#   # old front end, which hears every arrival with the whole list)
#
# Before the presses, 5 s of chat alone give the same machine's latency without them.
# The chatters are stock socket.io-client sockets; the other participants are bare WebSocket
# clients sending the same frames at a fraction of the load generator's CPU (VIEWERS=stock
# makes them all stock clients, as the README's rows before 2026-11-27 evening were run).
#
# Needs tests/node_modules (cd tests && npm ci). On a small shared machine run it smaller
# (e.g. 500 10 20): the load generator shares the CPU with the server. On a machine with
# cores to spare, pin them apart: SERVER_CPUS=0 LOADGEN_CPUS=1-8 LOADGEN_PROCS=8 (the load
# generator then runs as that many processes; one Node process cannot serve 5,000 clients).
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-5000}" rate="${2:-10}" seconds="${3:-30}" batch="${4:-500}" updates="${5:-batched}"
work="$(mktemp -d /tmp/chat-reactions.XXXXXX)"
port="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export DATABASE_URL="sqlite:///$work/bench.sqlite3" SECRET_KEY=bench RATE_LIMITS_ENABLED=false
export LOG_LEVEL=WARNING CLIENT_URL='*' PORT="$port"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
.venv/bin/flask db upgrade >/dev/null 2>&1
${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} .venv/bin/gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 \
  --worker-connections 20000 -b "127.0.0.1:$port" wsgi:app >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
# The worker is the arbiter's child: measure its CPU (the arbiter idles).
worker="$(pgrep -P "$server" | head -1)"
ulimit -n 65536 2>/dev/null || true
${LOADGEN_CPUS:+taskset -c "$LOADGEN_CPUS"} node bench/reactions.mjs --url "http://127.0.0.1:$port" --clients "$clients" --rate "$rate" \
  --seconds "$seconds" --chatters 5 --server-pid "$worker" --batch-ms "$batch" \
  --quiet-seconds "${QUIET_SECONDS:-5}" \
  --participant-updates "$updates" --procs "${LOADGEN_PROCS:-1}" --viewers "${VIEWERS:-raw}"
# The server's own time per handled event (mean of chat_socket_handler_seconds), by event:
# what the server spends, apart from waiting for the CPU the load generator shares.
curl -fs "http://127.0.0.1:$port/metrics" | awk -F'[{}" ]+' '
  /^chat_socket_handler_seconds_(sum|count)\{event="(sendMessage|react|joinEvent)"/ {
    kind = ($1 ~ /_sum$/) ? "sum" : "count"; v[$3, kind] = $NF; seen[$3] = 1 }
  END { for (e in seen) if (v[e, "count"] > 0)
    printf "server handler %s: %d handled, mean %.2f ms\n", e, v[e, "count"],
           1000 * v[e, "sum"] / v[e, "count"] }' || true
# Anything the server logged as an error, and the first traceback in full.
grep -ciE "error|traceback" "$work/server.log" | sed 's/^/server log lines with errors: /' || true
grep -m1 -A40 "^Traceback" "$work/server.log" || true
