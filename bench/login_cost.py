"""What one ``user:login`` costs the server: SQL statements, commits and CPU time.

    .venv/bin/python bench/login_cost.py            # SQLite file, recovery on (as bench/serve.sh)
    BENCH_ONLINE=1000 .venv/bin/python bench/login_cost.py   # with more sockets already online

In process, with Flask-SocketIO's test client (the handlers, actions, broadcasts and recovery
log as the server runs them; no network, no engine frames, and no recovery handshake, so the
connect's recovery-session row is not counted). ``BENCH_ONLINE`` guest sockets log in first,
each into one of the five default rooms (does a login's cost grow with who is online?); then
``BENCH_LOGINS`` fresh sockets each log in as a new guest, and as many log in with a token (the
guest's, on a new socket: a second tab, or a reconnect without recovery). Reported per login:
statements sent to the database (``before_cursor_execute``), commits, and CPU milliseconds
(``time.process_time``: this process only, so a neighbour's load barely shows). ``-v`` lists
the statements.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from chatapp import create_app  # noqa: E402
from chatapp.extensions import db, socketio  # noqa: E402

ONLINE = int(os.environ.get("BENCH_ONLINE", "200"))
LOGINS = int(os.environ.get("BENCH_LOGINS", "200"))


class Counter:
    def __init__(self) -> None:
        self.statements = self.commits = 0
        self.seen: dict[str, int] = {}

    def on_execute(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements += 1
        key = " ".join(statement.split())[:90]
        self.seen[key] = self.seen.get(key, 0) + 1

    def on_commit(self, conn) -> None:
        self.commits += 1


def measure(label: str, clients: list, payload_of, counter: Counter, verbose: bool) -> list:
    counter.statements = counter.commits = 0
    counter.seen.clear()
    acks, cpu = [], 0.0
    for i, client in enumerate(clients):
        started = time.process_time()
        ack = client.emit("user:login", payload_of(i), callback=True)
        cpu += time.process_time() - started
        assert isinstance(ack, dict) and ack.get("ok"), ack
        acks.append(ack)
    n = len(clients)
    print(f"{label}: {counter.statements / n:.1f} statements, {counter.commits / n:.1f} commits, "
          f"{cpu / n * 1000:.2f} ms CPU per login ({n} logins, {ONLINE} online before)")
    if verbose:
        for statement, times in sorted(counter.seen.items(), key=lambda kv: -kv[1]):
            print(f"    {times / n:5.1f}x  {statement}")
    return acks


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                      "REDIS_URL": None, "SECRET_KEY": "bench", "RATE_LIMITS_ENABLED": False,
                      "PRESENCE_TIMEOUT": 3600})  # no heartbeat runs here
    verbose = "-v" in sys.argv
    with app.app_context():
        upgrade()
        counter = Counter()
        event.listen(db.engine, "before_cursor_execute", counter.on_execute)
        event.listen(db.engine, "commit", counter.on_commit)
        db.session.remove()
    online = [socketio.test_client(app) for _ in range(ONLINE)]
    for i, client in enumerate(online):
        client.emit("user:login", {"userId": i, "username": f"on{i}", "avatar": "AB"},
                    callback=True)
        client.emit("room:join", {"roomId": i % 5 + 1}, callback=True)  # the default rooms
        client.get_received()
    counter.statements = counter.commits = 0
    started = time.process_time()
    fresh = [socketio.test_client(app) for _ in range(LOGINS)]
    cpu = (time.process_time() - started) / LOGINS
    print(f"connect: {counter.statements / LOGINS:.1f} statements, "
          f"{counter.commits / LOGINS:.1f} commits, {cpu * 1000:.2f} ms CPU per connect")
    guests = measure("guest login", fresh, lambda i: {"userId": i, "username": f"g{i}",
                                                      "avatar": "AB"}, counter, verbose)
    tabs = [socketio.test_client(app) for _ in range(LOGINS)]
    measure("token login", tabs, lambda i: {"token": guests[i]["token"]}, counter, verbose)
    for client in online + fresh + tabs:
        client.disconnect()


if __name__ == "__main__":
    main()
