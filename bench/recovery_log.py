"""What connection state recovery costs per broadcast: one logged INSERT (and its commit).

    .venv/bin/python bench/recovery_log.py                      # SQLite, a temporary file
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/chat_bench \\
        .venv/bin/python bench/recovery_log.py                  # an existing, migrated database
    (add BENCH_REDIS_URL=redis://127.0.0.1:6379/N for the several-process path: the row is
    written under the cluster's order lock and the event published to Redis)

Times ``broadcast.send`` of a room message to a room nobody is in (so only the server-side
cost is measured, not the fan-out), with recovery on and off, and prints microseconds per
broadcast. The fan-out itself (per recipient) is unchanged: the offset is one more string in
a packet that is encoded once for all recipients.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from flask_migrate import upgrade  # noqa: E402

from chatapp import create_app  # noqa: E402
from chatapp.realtime import broadcast  # noqa: E402

BROADCASTS = int(os.environ.get("BENCH_BROADCASTS", "1000"))


def per_broadcast_us(app, recovery: bool) -> float:
    app.config["CONNECTION_STATE_RECOVERY"] = recovery
    message = {"id": 1, "sender": "ana", "userId": "1", "avatar": None,
               "content": "hello " * 10, "timestamp": "2026-11-26T16:00:00.000Z"}
    started = time.perf_counter()
    for _ in range(BROADCASTS):
        broadcast.room_message_new(999_999, message)
    return (time.perf_counter() - started) / BROADCASTS * 1e6


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp()
    redis = os.environ.get("BENCH_REDIS_URL")  # with PostgreSQL: the clustered path
    app = create_app({"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.sqlite3",
                      "REDIS_URL": redis, "SOCKETIO_CHANNEL": "bench-recovery-log",
                      "SECRET_KEY": "bench"})
    with app.app_context():
        if url is None:
            upgrade()
        per_broadcast_us(app, True)  # warm up
        # The best of five rounds each: on a busy machine the minimum is the least disturbed.
        off = min(per_broadcast_us(app, False) for _ in range(5))
        on = min(per_broadcast_us(app, True) for _ in range(5))
    name = ("PostgreSQL + Redis" if redis else "PostgreSQL") if url else "SQLite"
    print(f"{name}: broadcast.send {off:.0f} us without recovery, {on:.0f} us with "
          f"(+{on - off:.0f} us: the logged insert and commit), {BROADCASTS} broadcasts")


if __name__ == "__main__":
    main()
