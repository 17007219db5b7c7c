"""A ``user:login`` is one transaction: the user, the socket's connection and the recovery-log
rows of the events it sends commit together, and only then do the events go out.

In process, with Flask-SocketIO's test client (recovery on), counting commits on the engine.
Counts only, no timing. On PostgreSQL the log writes on a connection of its own (its commits
do not wait for the disk), so there only the login's events and offsets are checked.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from chatapp.cluster import process_registry
from chatapp.extensions import db, socketio
from chatapp.models import RecoveryEvent
from tests import databases

ONE_COMMIT = databases.BACKEND == "sqlite"


@pytest.fixture
def commits(app, monkeypatch) -> list[int]:
    """How many commits the engine saw since the list was last cleared."""
    monkeypatch.setattr(process_registry, "_process_id", None)
    seen: list[int] = []
    with app.app_context():
        process_registry.current_process_id()  # registered before anything is counted
        sa.event.listen(db.engine, "commit", lambda _conn: seen.append(1))
        db.session.remove()
    return seen


def logged(app) -> dict[int, str]:
    with app.app_context():
        rows = dict(db.session.execute(sa.select(RecoveryEvent.id, RecoveryEvent.event)).all())
        db.session.remove()
        return rows


def test_guest_login_is_one_commit_and_its_events_carry_logged_offsets(app, commits):
    client = socketio.test_client(app)
    client.get_received()
    commits.clear()

    ack = client.emit("user:login", {"userId": 1, "username": "ana", "avatar": "AB"},
                      callback=True)

    assert ack["ok"] is True
    assert len(commits) == 1 or not ONE_COMMIT
    received = [(m["name"], m["args"]) for m in client.get_received()]
    assert [name for name, _ in received] == ["rooms:list", "user:session"]
    offsets = [int(args[1]) for _, args in received]
    assert offsets == sorted(offsets) and len(set(offsets)) == 2
    rows = logged(app)
    # user:online is logged too (for its watchers), after this socket's two events.
    assert [rows[o] for o in offsets] == ["rooms:list", "user:session"]
    assert sorted(rows.values()) == ["rooms:list", "user:online", "user:session"]
    client.disconnect()


def test_token_login_on_a_second_socket_is_one_commit(app, commits):
    first = socketio.test_client(app)
    token = first.emit("user:login", {"username": "ben"}, callback=True)["token"]
    second = socketio.test_client(app)
    second.get_received()
    commits.clear()

    ack = second.emit("user:login", {"token": token}, callback=True)

    assert ack["ok"] is True and ack["user"]["username"] == "ben"
    assert len(commits) == 1 or not ONE_COMMIT
    assert [m["name"] for m in second.get_received()] == ["rooms:list", "user:session"]
    first.disconnect()
    second.disconnect()
