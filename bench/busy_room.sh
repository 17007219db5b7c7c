#!/usr/bin/env bash
# Issue 12's "while 10,000 are connected, a 200-member room keeps delivering at p99 < 100 ms",
# for this server (bench/serve.sh: the Procfile's web line, SQLite, persistence on) and the
# Node peer of the shared harness, one after the other:
#   1. N idle logged-in sockets (the harness's `connections` scenario, held in the background);
#   2. once all are in, a room of 200 with 10 senders at 20 messages a second for 10 s (its
#      `fanout` scenario: the same as perf.py's "unloaded" row, now beside the N sockets).
# Prints each server's fan-out latency, losses and the time the 200 took to join.
#
#   bench/busy_room.sh [idle sockets]        # default 10000; BENCH_DIR as for perf.py
#   SERVER_CPUS=0 LOADGEN_CPUS=1 (the defaults) pin the server and both load generators;
#   PEER_ONLY=1 runs the Node peer alone.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
idle="${1:-10000}"
bench="$(cd "${BENCH_DIR:-$ROOT/../shared/bench}" && pwd)"
[ -f "$bench/loadgen.js" ] || { echo "no load generator at $bench (set BENCH_DIR)" >&2; exit 1; }
[ -d "$bench/node_modules" ] || (cd "$bench" && npm ci --no-audit --no-fund >&2)
[ -d "$bench/peer/node_modules" ] || (cd "$bench/peer" && npm ci --no-audit --no-fund >&2)
server_cpus="${SERVER_CPUS:-0}" loadgen_cpus="${LOADGEN_CPUS:-1}"
work="$(mktemp -d /tmp/chat-busy-room.XXXXXX)"
ulimit -n 65536 2>/dev/null || true
pids=()
cleanup() { for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
            wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

measure() {  # name port command...
  local name="$1" port="$2"; shift 2
  PORT="$port" setsid taskset -c "$server_cpus" bash -c "$*" >"$work/$name-server.log" 2>&1 &
  local server=$!; pids+=("$server")
  for _ in $(seq 150); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/socket.io/?EIO=4&transport=polling" && break
    sleep 0.2
  done
  (cd "$bench" && exec taskset -c "$loadgen_cpus" node loadgen.js connections \
     --url "http://127.0.0.1:$port" -c "$idle" --hold 600) >"$work/$name-idle.log" 2>&1 &
  local holder=$!; pids+=("$holder")
  for _ in $(seq 600); do grep -q "holding" "$work/$name-idle.log" && break; sleep 0.5; done
  grep -q "holding" "$work/$name-idle.log" || { echo "$name: the $idle sockets never all connected" >&2
                                                 tail -5 "$work/$name-idle.log" >&2; exit 1; }
  (cd "$bench" && taskset -c "$loadgen_cpus" node loadgen.js fanout --url "http://127.0.0.1:$port" \
     -c 200 -s 10 -r 20 -d 10) >"$work/$name-room.log" 2>&1 || true  # non-zero on losses
  kill "$holder" 2>/dev/null || true
  kill -- "-$server" 2>/dev/null || true
  wait "$holder" "$server" 2>/dev/null || true
  grep -q '^RESULT ' "$work/$name-room.log" || { echo "$name: the room's run printed no result:" >&2
                                                  tail -15 "$work/$name-room.log" >&2; return; }
  grep '^RESULT ' "$work/$name-room.log" | sed 's/^RESULT //' | python3 -c "
import json, sys
r = json.load(sys.stdin)
if 'fatal' in r:  # e.g. the Node peer beside 10,000 sockets: joins unanswered, the probe lost
    print(f\"{'$name':<12} failed: {r['fatal']} ({r.get('errors', 0)} errors, e.g. \"
          f\"{'; '.join(r.get('error_samples', []))})\")
else:
    print(f\"{'$name':<12} p50 {r['lat_p50_ms']:>7} ms  p99 {r['lat_p99_ms']:>7} ms  \"
          f\"lost {r['lost']}  200 joined in {r['join_wall_s']} s  ($idle idle sockets held)\")"
}

echo "a room of 200, 10 senders, 20 msg/s for 10 s, beside $idle idle logged-in sockets:"
[ -n "${PEER_ONLY:-}" ] || measure this-server 5695 "exec '$ROOT/bench/serve.sh'"
measure node-peer 4000 "cd '$bench/peer' && exec node server.js"
