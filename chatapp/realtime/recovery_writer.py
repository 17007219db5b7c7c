"""The recovery log's writer on PostgreSQL: a connection of its own, and in a cluster the
row written under the cluster's order lock while the event is published (see
:func:`recovery_log.send_logged`, which calls :func:`send_postgres` under its own lock)."""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import event

from chatapp.extensions import db

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x63686174  # "chat": one lock for the whole cluster's event order

COLUMNS = ("INSERT INTO recovery_events (channel, channels, skip_session, event, data, "
           "created_at) ")
_POSTGRES_INSERT = COLUMNS + "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
# The lock is taken in the INSERT itself (one round trip): the row's id is drawn after it.
_CLUSTERED_INSERT = COLUMNS + (
    "SELECT %s, %s, %s, %s, %s, %s FROM (SELECT pg_advisory_xact_lock(%s)) AS in_order "
    "RETURNING id")
# The log's own connection, one per process (writes are serialised by ``_order`` anyway).
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


def send_postgres(params: tuple, data: Any, emit: Callable[[Any], None]) -> None:
    clustered = bool(current_app.config.get("REDIS_URL"))
    try:
        conn = _log_connection()
        if clustered:
            offset = conn.exec_driver_sql(_CLUSTERED_INSERT,
                                          (*params, ADVISORY_LOCK_KEY)).scalar_one()
        else:
            offset = conn.exec_driver_sql(_POSTGRES_INSERT, params).scalar_one()
            conn.commit()
    except Exception:
        log.exception("could not log %r for recovery", params[3])
        _drop_log_connection()
        emit(data)
        return
    if not clustered:
        emit((data, str(offset)))
        return
    _deferred.pending = []
    try:
        emit((data, str(offset)))  # published to the other processes, in offset order
    finally:
        local, _deferred.pending = _deferred.pending, None
        try:
            conn.commit()
        except Exception:
            log.exception("could not commit %r to the recovery log", params[3])
            _drop_log_connection()
        for deliver in local:
            deliver()


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
