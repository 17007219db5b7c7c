"""What the metric hooks cost on the hot path, against prometheus-client's own calls.

    .venv/bin/python bench/metrics_overhead.py

Prints nanoseconds per call: the buffered hooks of chatapp.observability.metrics (a dict
addition) and, for comparison, a multi-process Counter.inc / Histogram.observe (a lock and an
mmap write each), which is what the hooks would cost if they wrote through at once. A room
message makes one message_stored, one emitted and one handler_finished call, plus one
messages_delivered per process that holds sockets in the room.
"""
from __future__ import annotations

import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from chatapp.observability import metrics  # noqa: E402  (sets up the multi-process folder)
from prometheus_client import Counter, Histogram  # noqa: E402

CALLS = 200_000


def per_call_ns(function) -> float:
    return min(timeit.repeat(function, number=CALLS, repeat=3)) / CALLS * 1e9


def main() -> None:
    counter = Counter("bench_direct", "direct", ["event"], registry=None).labels("e")
    histogram = Histogram("bench_direct_seconds", "direct", ["event"], registry=None,
                          buckets=metrics.LATENCY_BUCKETS).labels("e")
    rows = [
        ("nothing (a lambda call)", lambda: None),
        ("metrics.emitted", lambda: metrics.emitted("room:message:new")),
        ("metrics.message_stored", lambda: metrics.message_stored("room")),
        ("metrics.messages_delivered", lambda: metrics.messages_delivered("newMessage", 40)),
        ("metrics.handler_finished", lambda: metrics.handler_finished("room:message", 0.0012)),
        ("prometheus Counter.inc (multi-process)", counter.inc),
        ("prometheus Histogram.observe (multi-process)", lambda: histogram.observe(0.0012)),
    ]
    for name, function in rows:
        print(f"{name:45s} {per_call_ns(function):8.0f} ns")
    started = time.perf_counter()
    metrics.flush()
    print(f"{'one flush of everything above':45s} {(time.perf_counter() - started) * 1e6:8.0f} us")


if __name__ == "__main__":
    main()
