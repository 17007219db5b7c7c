#!/usr/bin/env python3
"""Issue 12's scenarios against the Node peer, side by side, in one command.

    python3 bench/perf.py            # the default set (a few minutes)
    python3 bench/perf.py --full     # plus 10,000 idle logged-in sockets (KiB/conn)
    python3 bench/perf.py --repeat 3 --only fanout-max
    python3 bench/perf.py --full --cpus 0:1-8   # a machine with cores to spare (see --help)
    DATABASE_URL=postgresql://postgres@127.0.0.1/chat_bench python3 bench/perf.py --only fanout-max
        # the same on PostgreSQL: an empty database of its own (serve.sh migrates it but,
        # unlike the SQLite file, does not empty it between runs)

Runs ``../shared/bench/compare.sh`` (the load generator and the Node peer, maintained outside
this repository; ``BENCH_DIR`` points elsewhere) once per scenario, this server (bench/serve.sh:
the Procfile's web line, SQLite with persistence, rate limits off) as A and the peer as B,
pinned (server on CPU 0, load generator on CPU 1), then prints one table: our figure, the
peer's, the ratio, and the target. The raw outputs stay in the bench folder's results/.

Read every figure with the bench README's caveats: on a shared 2-core machine the load
generator competes with the server, and neighbours' CPU shows as "other procs".
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "bench" / "serve.sh"

# name -> (loadgen arguments, [(metric key, label, target)])
SCENARIOS: dict[str, tuple[list[str], list[tuple[str, str, str]]]] = {
    "fanout-max": (["fanout", "-c", "200", "-s", "10", "-r", "max", "-d", "10"], [
        ("delivered_per_s", "fan-out 200 x 10 senders, closed loop: deliveries/s", ">= 1.0x"),
        ("lat_p99_ms", "  same: latency p99 ms", "<= 1.0x"),
        ("lost", "  same: lost deliveries", "0"),
    ]),
    "unloaded": (["fanout", "-c", "200", "-s", "10", "-r", "20", "-d", "10"], [
        ("lat_p50_ms", "unloaded 200 members, 20 msg/s: latency p50 ms", "<= 1.5x"),
        ("lat_p99_ms", "  same: latency p99 ms", ""),
        ("server_cores", "  same: server CPU cores", ""),
    ]),
    "connect": (["connections", "-c", "1000", "--hold", "5"], [
        ("connect_per_s", "connects/s, login included (1,000)", ">= 0.5x"),
        ("server_cpu_ms_per_conn", "  same: server CPU ms per connection", ""),
        ("kib_per_conn", "  same: server RSS KiB/conn", ""),
    ]),
}
FULL = {
    "idle-10k": (["connections", "-c", "10000", "--hold", "30"], [
        ("connected", "10,000 idle logged-in sockets: connected", "10000"),
        ("kib_per_conn", "  same: server RSS KiB/conn", "<= 30"),
        ("connect_per_s", "  same: connects/s", ""),
    ]),
}


def bench_dir() -> Path:
    """The shared harness, copied to a temporary folder if it is read-only."""
    source = Path(os.environ.get("BENCH_DIR", ROOT.parent / "shared" / "bench")).resolve()
    if not (source / "compare.sh").exists():
        sys.exit(f"no load generator at {source} (set BENCH_DIR)")
    if os.access(source, os.W_OK):
        return source
    copy = Path(tempfile.gettempdir()) / "chat-perf-bench"
    if not copy.exists():
        shutil.copytree(source, copy)
        subprocess.run(["chmod", "-R", "u+w", str(copy)], check=True)
    return copy


def run(bench: Path, name: str, loadgen: list[str], repeat: int, port: int,
        cpus: str | None, procs: int) -> dict:
    if cpus:
        # compare.sh's --pin gives the load generator one core, which the peer saturates: on a
        # machine with cores to spare, each server pins itself to one core and the load
        # generator (compare.sh and its children inherit the affinity) spreads over the rest.
        server_cpu, loadgen_cpus = cpus.split(":")
        command = ["taskset", "-c", loadgen_cpus, str(bench / "compare.sh"),
                   "--a-cmd", f"exec taskset -c {server_cpu} {SERVE}",
                   "--b-cmd", f"cd '{bench}/peer' && exec taskset -c {server_cpu} node server.js",
                   "--b-port", "4000", "--b-name", "node-peer"]
        loadgen = [*loadgen, "--procs", str(procs)]
    else:
        command = [str(bench / "compare.sh"), "--pin", "--a-cmd", f"exec {SERVE}"]
    command += ["--repeat", str(repeat), "--a-port", str(port), "--a-name", "this-server",
                "--", *loadgen]
    print(f"[perf] {name}: {' '.join(loadgen)}", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=bench, capture_output=True, text=True)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("COMPARE "):
            return json.loads(line[len("COMPARE "):])["metrics"]
    sys.stderr.write(done.stdout[-3000:] + done.stderr[-2000:])
    return {}


def cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return f"{int(value):,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per server (medians)")
    parser.add_argument("--full", action="store_true", help="also 10,000 idle sockets")
    parser.add_argument("--only", action="append", help="run only this scenario (repeatable)")
    parser.add_argument("--port", type=int, default=5650)
    parser.add_argument("--cpus", metavar="SERVER:LOADGEN",
                        help="e.g. 0:1-8: each server on CPU 0, the load generator on 1-8 "
                             "(default: compare.sh --pin, server on CPU 0, load generator on 1)")
    parser.add_argument("--procs", type=int, default=8,
                        help="load generator processes with --cpus (default 8)")
    args = parser.parse_args()
    scenarios = {**SCENARIOS, **(FULL if args.full else {})}
    if args.only:
        scenarios = {name: scenarios[name] for name in args.only}
    bench = bench_dir()
    rows = []
    for name, (loadgen, metrics) in scenarios.items():
        results = run(bench, name, loadgen, args.repeat, args.port, args.cpus, args.procs)
        for key, label, target in metrics:
            metric = results.get(key, {})
            rows.append((label, metric.get("a"), metric.get("b"), metric.get("ratio"), target))
    width = max(len(row[0]) for row in rows)
    print(f"{'scenario':<{width}}  {'this server':>12}  {'Node peer':>12}  {'ratio':>6}  target")
    for label, ours, peer, ratio, target in rows:
        print(f"{label:<{width}}  {cell(ours):>12}  {cell(peer):>12}  "
              f"{(f'{ratio:.2f}x' if ratio is not None else '-'):>6}  {target}")


if __name__ == "__main__":
    main()
