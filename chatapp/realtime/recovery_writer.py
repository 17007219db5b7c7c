"""The recovery log's writer on PostgreSQL: a connection of its own, the events of many
senders written together (:func:`send_postgres_in_turn`, a group commit, under the log's
order lock), and in a cluster the rows written under the cluster's order lock while the
events are published (see :func:`recovery_log.send_logged`)."""
from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import event

from chatapp.extensions import db

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x63686174  # "chat": one lock for the whole cluster's event order

COLUMNS = ("INSERT INTO recovery_events (channel, channels, skip_session, event, data, "
           "created_at) ")
# The log's order lock: an event takes its offset and goes out before the next does (see
# recovery_log's module docstring); a replay holds it too, so no event slips in between.
order_lock = threading.RLock()
# The log's own connection, one per process (writes are serialised by ``order_lock`` anyway).
_writer: dict[str, Any] = {"conn": None, "pid": None}
_deferred = threading.local()  # greenlet-local under gevent


def _log_connection():
    conn = _writer["conn"]
    if conn is None or conn.closed or conn.engine is not db.engine or (
            _writer["pid"] != os.getpid()):  # after a fork the parent's socket is not ours
        if conn is not None and _writer["pid"] == os.getpid():
            _drop_log_connection()  # another app's engine (tests): close, never leak it
        engine = db.engine
        if not event.contains(engine, "engine_disposed", _engine_disposed):
            event.listen(engine, "engine_disposed", _engine_disposed)
        conn = engine.connect()
        conn.detach()  # the log's own for good: closing it closes it, not a return to the pool
        # The log is an aid, not a record: a commit need not wait for the disk (a PostgreSQL
        # crash may lose the last few rows; a server process crash loses nothing).
        conn.exec_driver_sql("SET synchronous_commit TO OFF")
        conn.commit()
        _writer.update(conn=conn, pid=os.getpid())
    return conn


# A batch's rows: one INSERT for every event queued while the previous batch was written.
_ROW = "(%s, %s, %s, %s, %s, %s)"
MAX_BATCH = 200  # rows per INSERT (six parameters each)


def send_postgres(batch: list[tuple[tuple, Any, Callable[[Any], None]]]) -> None:
    """Log ``batch`` (``(params, data, emit)`` each, in order) in one INSERT and one commit,
    then ``emit`` each with its offset, in order. Called under the log's order lock
    (:func:`send_postgres_in_turn`): a PostgreSQL round trip or two per event,
    each waiting for its turn, capped the closed-loop fan-out at one event per two round
    trips however many were waiting; a batch pays them once for all of them."""
    clustered = bool(current_app.config.get("REDIS_URL"))
    values = ", ".join([_ROW] * len(batch))
    params = tuple(p for row, _, _ in batch for p in row)
    try:
        conn = _log_connection()
        if clustered:
            # The lock is taken in the INSERT itself (one round trip), before any row's id
            # is drawn.
            ids = conn.exec_driver_sql(
                COLUMNS + f"SELECT batch.* FROM (VALUES {values}) AS batch, "
                "(SELECT pg_advisory_xact_lock(%s)) AS in_order RETURNING id",
                (*params, ADVISORY_LOCK_KEY)).scalars().all()
        else:
            ids = conn.exec_driver_sql(
                COLUMNS + f"VALUES {values} RETURNING id", params).scalars().all()
            conn.commit()
    except Exception:
        log.exception("could not log %s for recovery", [row[3] for row, _, _ in batch])
        _drop_log_connection()
        for _, data, emit in batch:
            _emit_one(emit, data)
        return
    # The rows of one INSERT draw their ids in order: the smallest is the first row's.
    sent = [(data, emit, str(offset)) for (_, data, emit), offset in zip(batch, sorted(ids))]
    if not clustered:
        for data, emit, offset in sent:
            _emit_one(emit, (data, offset))
        return
    _deferred.pending = []
    try:
        for data, emit, offset in sent:  # published to the other processes, in offset order
            _emit_one(emit, (data, offset))
    finally:
        local, _deferred.pending = _deferred.pending, None
        try:
            conn.commit()
        except Exception:
            log.exception("could not commit %d events to the recovery log", len(batch))
            _drop_log_connection()
        for deliver in local:
            deliver()


# PostgreSQL: events waiting to be logged, in the order their senders came, and how many
# were ever queued and written (a sender's events are out once "written" reaches the count
# at which its last one was queued).
_queued: deque = deque()
_counts = {"queued": 0, "written": 0}
_queueing = threading.Lock()  # greenlets never switch inside; threads (tests) might


def send_postgres_in_turn(entries: list[tuple[tuple, Any, Callable[[Any], None]]]) -> None:
    """Log and emit ``entries`` (``(params, data, emit)`` each) in order, on PostgreSQL, with
    whatever other greenlets queued meanwhile (a group commit). Whoever holds the order lock
    writes everything queued so far in one INSERT and one commit (:func:`send_postgres`),
    emitting each event in offset order; a sender whose events a writer before it took
    finds them done when its turn comes. It returns once its own events are emitted, as a
    send of its own would, so what it sends next still follows them."""
    with _queueing:
        _queued.extend(entries)
        _counts["queued"] += len(entries)
        mine = _counts["queued"]
    with order_lock:
        while _counts["written"] < mine:
            batch = [_queued.popleft() for _ in range(min(MAX_BATCH, len(_queued)))]
            _counts["written"] += len(batch)
            send_postgres(batch)


def _emit_one(emit: Callable[[Any], None], args: Any) -> None:
    """One event of a batch: a failure to emit it must not cost the others, which are other
    senders' (each is in the log, so a resume would still bring it)."""
    try:
        emit(args)
    except Exception:  # noqa: BLE001 - logged; the rest of the batch goes on
        log.exception("could not emit a logged event")


def _engine_disposed(engine) -> None:
    """A disposed engine takes the log's connection with it: the connection is checked out
    for good, so ``dispose()`` alone would leave it open (and a database that someone means
    to copy or drop, busy)."""
    conn = _writer["conn"]
    if conn is not None and conn.engine is engine:
        _drop_log_connection()


def _drop_log_connection() -> None:
    conn = _writer["conn"]
    _writer["conn"] = None
    if conn is not None:
        try:
            conn.close()
        except Exception as exc:  # it is being thrown away because it failed already
            log.debug("closing the recovery log's connection: %s", exc)


def in_clustered_send() -> bool:
    """An emit of this greenlet is being published under the cluster's order lock."""
    return getattr(_deferred, "pending", None) is not None


def defer_local(deliver: Callable[[], None]) -> bool:
    """For the client manager: while an emit's log row holds the cluster lock, a delivery to
    this process's sockets that cannot wait for the queue waits for the commit (returns
    True). Other times: False, deliver now."""
    pending = getattr(_deferred, "pending", None)
    if pending is None:
        return False
    pending.append(deliver)
    return True
