#!/usr/bin/env python3
"""Issue 12's reconnect storm, end to end: N logged-in sockets on one server process (the
Procfile's web line through bench/serve.sh: SQLite with persistence, rate limits off), the
server's memory per socket, a 200-member room's latency while all N are connected, then a
restart under them (SIGTERM, wait for the exit, start again on the same port and database)
and how long until every socket is logged in again, recovered or by its token.

    python3 bench/reconnect_storm.py --clients 2000
    python3 bench/reconnect_storm.py --clients 10000 --seconds 10   # the issue's figure
    python3 bench/reconnect_storm.py --clients 1000 --profile /tmp/storm.txt  # py-spy, on PyPI

Needs tests/node_modules (scripts/setup.sh --dev). On a shared 2-core machine the load
generator (N stock clients in one Node process) competes with the server: read the latency
and the storm's duration as upper bounds there.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_of(master: int) -> int:
    """gunicorn's worker, the child of the arbiter, holds the sockets."""
    deadline = time.time() + 10
    while time.time() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    return master


def start_server(port: int, env: dict, log: Path, wait: float = 60) -> subprocess.Popen:
    """Start it and wait until it answers. Under a storm of thousands of clients
    reconnecting the health check waits its turn, hence its generous timeout."""
    with log.open("ab") as out:
        server = subprocess.Popen([str(ROOT / "bench" / "serve.sh")], env=env,
                                  stdout=out, stderr=out, start_new_session=True)
    deadline = time.time() + wait
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=5).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"the server did not answer within {wait:.0f} s (its log: {log})")


def read_line(loadgen: subprocess.Popen, prefix: str) -> dict | None:
    for line in loadgen.stdout:
        if line.startswith(prefix):
            rest = line[len(prefix):].strip()
            return json.loads(rest) if rest else {}
    sys.exit(f"the load generator ended before {prefix.strip()}: "
             f"{loadgen.stderr.read()[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10, help="latency phase")
    parser.add_argument("--deadline", type=int, default=120, help="storm: give up after")
    parser.add_argument("--profile", metavar="FILE",
                        help="record the restarted worker with py-spy (collapsed stacks) "
                             "through the first half of the storm")
    args = parser.parse_args()
    if args.profile and not (Path(sys.executable).parent / "py-spy").exists():
        sys.exit("--profile needs py-spy in this virtual environment: pip install py-spy")
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="chat-storm-"))
    # serve.sh starts from an empty database: the restart must keep it, so it gets a URL.
    env = {**os.environ, "PORT": str(port), "LOG_LEVEL": "WARNING",
           "DATABASE_URL": f"sqlite:///{work / 'storm.sqlite3'}"}
    log = work / "server.log"
    server = start_server(port, env, log)
    worker = worker_of(server.pid)
    idle_kib = rss_kib(worker)
    loadgen = subprocess.Popen(
        ["node", str(ROOT / "bench" / "reconnect_storm.mjs"), "--url", f"http://127.0.0.1:{port}",
         "--clients", str(args.clients), "--seconds", str(args.seconds),
         "--deadline", str(args.deadline)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        connected = read_line(loadgen, "CONNECTED ")
        time.sleep(2)
        per_socket = (rss_kib(worker) - idle_kib) / connected["clients"]
        loadgen.stdin.write("latency\n")
        loadgen.stdin.flush()
        latency = read_line(loadgen, "LATENCY ")
        read_line(loadgen, "RESTART")
        stopping = time.monotonic()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        stopped = time.monotonic() - stopping
        server = start_server(port, env, log, wait=args.deadline)
        up = time.monotonic() - stopping
        if args.profile:
            subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid",
                              str(worker_of(server.pid)), "--duration",
                              str(max(5, args.deadline // 2)), "--format", "raw",
                              "--output", args.profile, "--nonblocking"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        restarted = worker_of(server.pid)
        cpu_before, loadgen_before = cpu_seconds(restarted), cpu_seconds(loadgen.pid)
        storm = read_line(loadgen, "STORM ")
        storm_cpu = cpu_seconds(restarted) - cpu_before
        loadgen_cpu = cpu_seconds(loadgen.pid) - loadgen_before
    finally:
        if loadgen.poll() is None:
            loadgen.kill()
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    print(f"sockets                      {connected['clients']:>8,}   "
          f"({connected['connect_per_s']:.0f} connects/s, login included)")
    print(f"server RSS per socket        {per_socket:>8.1f} KiB   (target <= 30)")
    print(f"room of {latency['members']} while connected  p50 {latency['p50_ms']} ms, "
          f"p99 {latency['p99_ms']} ms   (target p99 < 100; "
          f"{latency['received']:,} of {latency['expected']:,} delivered)")
    print(f"restart                      stopped in {stopped:.1f} s, serving again after "
          f"{up:.1f} s")
    took = f"{storm['all_back_s']:.1f}" if storm["all_back_s"] is not None else "-"
    print(f"storm                        {storm['back']:,} of {storm['clients']:,} logged in "
          f"again ({storm['recovered']:,} recovered, {storm['relogged']:,} by token, "
          f"{storm['failed']:,} failed) in {took} s   (target <= 60)")
    print(f"                             half of them back after {storm['back_p50_s']} s, "
          f"90% after {storm['back_p90_s']} s")
    print(f"                             failed reconnection attempts: "
          f"{storm['attempt_errors'] or 'none'}")
    if storm["timed_out_attempts_began_s"][0] is not None:
        print(f"                             attempts that timed out began at (s after the "
              f"drop: min, p10, p50, p90, max) {storm['timed_out_attempts_began_s']}")
    print(f"                             CPU from serving again to the end: server "
          f"{storm_cpu:.1f} s, load generator {loadgen_cpu:.1f} s")
    print(f"                             {storm['dropped_again']:,} dropped again after "
          f"coming back (counted once above): {storm['drop_reasons'] or ''}")


if __name__ == "__main__":
    main()
