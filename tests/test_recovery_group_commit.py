"""The recovery log on PostgreSQL writes the events queued while another was being written as
one batch (a group commit): one INSERT and one commit for all of them, offsets in the order
their senders came, each event emitted once with its offset. Runs on PostgreSQL whatever the
suite's backend (the path exists only there)."""
from __future__ import annotations

import threading
import time

from sqlalchemy import event, select

from chatapp.extensions import db
from chatapp.models import RecoveryEvent
from chatapp.realtime import recovery_log, recovery_writer

SENDERS = 6


def logged(event_name: str, emitted: list, gate: threading.Event | None = None):
    """An entry for send_postgres_in_turn whose emit records (event, offset), after ``gate``."""
    def emit(args):
        if gate is not None:
            gate.wait(10)
        data, offset = args
        emitted.append((event_name, int(offset)))
    return (recovery_log._row(event_name, {"n": event_name}, "room:1", None),
            {"n": event_name}, emit)


def test_events_queued_during_a_write_go_out_as_one_batch_in_order(pg_app):
    inserts = []
    with pg_app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *_: inserts.append(statement)
                     if statement.startswith("INSERT INTO recovery_events") else None)
    emitted: list = []
    gate = threading.Event()

    def send(entries):
        with pg_app.app_context():
            recovery_writer.send_postgres_in_turn(entries)

    # The first sender holds the turn (its emit waits at the gate) while the others queue.
    first = threading.Thread(target=send, args=([logged("first", emitted, gate)],))
    first.start()
    deadline = time.monotonic() + 10
    while len(inserts) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    others = [threading.Thread(target=send, args=([logged(f"s{i}-a", emitted),
                                                   logged(f"s{i}-b", emitted)],))
              for i in range(SENDERS)]
    for thread in others:
        thread.start()
        while len(recovery_writer._queued) < 2 * (others.index(thread) + 1):
            assert time.monotonic() < deadline, "a sender never queued its events"
            time.sleep(0.01)
    gate.set()
    for thread in [first, *others]:
        thread.join(10)

    assert len(inserts) == 2  # the first event alone, then everything queued meanwhile
    expected = ["first"] + [f"s{i}-{part}" for i in range(SENDERS) for part in "ab"]
    assert [name for name, _ in emitted] == expected  # each once, in the senders' order
    offsets = [offset for _, offset in emitted]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    with pg_app.app_context():  # committed, each row under the offset it went out with
        rows = db.session.execute(select(RecoveryEvent.id, RecoveryEvent.event)
                                  .order_by(RecoveryEvent.id)).all()
        assert [(event_name, offset) for offset, event_name in rows][-len(expected):] == emitted


def test_a_sender_returns_once_its_own_events_are_out(pg_app):
    emitted: list = []
    with pg_app.app_context():
        recovery_writer.send_postgres_in_turn([logged("one", emitted), logged("two", emitted)])
    assert [name for name, _ in emitted] == ["one", "two"]
    assert not recovery_writer._queued


def test_one_event_that_cannot_be_emitted_does_not_cost_the_rest_of_its_batch(pg_app, caplog):
    emitted: list = []

    def broken(args):
        raise RuntimeError("this socket manager is gone")

    failing = (recovery_log._row("bad", {}, "room:1", None), {}, broken)
    with pg_app.app_context():
        recovery_writer.send_postgres_in_turn(
            [logged("before", emitted), failing, logged("after", emitted)])
    assert [name for name, _ in emitted] == ["before", "after"]
    assert "could not emit a logged event" in caplog.text
