"""The event log behind connection state recovery, and the offsets it gives out.

Socket.IO v4.6+ clients resume a session by sending back the offset of the last event they
got; the offset is each event's trailing argument (JavaScript handlers ignore an extra
argument). Here the offset is the id of the event's row in ``recovery_events``: one INSERT
per broadcast, the same offset for every recipient, whatever process delivers it.

Order: a client resumes "after offset N", so the events a socket receives must carry
increasing offsets. Within a process a lock makes "take the next id, commit, deliver" one
step; across processes (PostgreSQL and a message queue) a transaction-level advisory lock
makes "take the next id, publish" one step, so the queue carries events in offset order.

A process's own events reach its sockets through the queue as well, behind the events of
other processes that took smaller offsets (:mod:`queue_loopback`), so no socket sees N+1
before N.

The replay after a reconnect races with live delivery: an event can be in the database and
still on its way through the message queue. A resuming socket is therefore *held*: its live
events are dropped (they are in the log) until the replay is sent, and after that only
events newer than what the replay covered reach it (see :func:`skipped_sids`).
"""
from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import bindparam, func, select, text

from chatapp.extensions import db
from chatapp.models import RecoveryEvent
from chatapp.models.recovery import CHANNEL_LIST
from chatapp.realtime import replay_cache
from chatapp.realtime.recovery_writer import ADVISORY_LOCK_KEY, COLUMNS, send_postgres_in_turn
from chatapp.realtime.recovery_writer import order_lock as _order
from chatapp.timeutil import utcnow

log = logging.getLogger(__name__)

# Events not worth replaying (as socket.io's volatile emits): a missed "is typing" is stale;
# a sidebar that missed "room:activity" resyncs its badges when it watches again; a missed
# "reactions" frame is a moment gone (replayed, a reconnect would burst with stale floaters).
# (The flush loop runs without an app context, so it was never logged; this says so.)
# A refusal ("error", to the one socket whose request it answers) is no state to catch up
# on, and logged it cost a database write per refused packet: a client flooding past a rate
# limit made the server write as fast as it refused.
VOLATILE_EVENTS = frozenset({"user:typing", "userTyping", "user:typing:private",
                             "room:activity", "reactions", "error"})
HOLD_SECONDS = 30.0  # how long a resumed socket filters out events its replay covered

_pid_of_sid: dict[str, str] = {}  # this process's sockets -> their private session ids
# sid -> (highest offset the replay covered, or None while the replay is pending; expiry)
_holds: dict[str, tuple[int | None, float]] = {}


def enabled() -> bool:
    """Recovery is on (and there is an app, hence a database, to log to)."""
    return has_app_context() and bool(current_app.config.get("CONNECTION_STATE_RECOVERY"))


def session_channel(pid: str) -> str:
    return f"session:{pid}"


def register_socket(sid: str, pid: str) -> None:
    _pid_of_sid[sid] = pid


def forget_socket(sid: str) -> None:
    _pid_of_sid.pop(sid, None)
    _holds.pop(sid, None)


def pid_of(sid: str) -> str | None:
    return _pid_of_sid.get(sid)


def _cluster_lock() -> None:
    """In a replay: wait until every event that took an offset has committed (PostgreSQL
    with a message queue; otherwise this process's own lock, already held, is enough)."""
    if _clustered():
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def _clustered() -> bool:
    """Several processes may broadcast: a message queue on a shared PostgreSQL."""
    return bool(current_app.config.get("REDIS_URL")) and (
        db.engine.dialect.name == "postgresql")


def _logged_channel(name: str) -> str:
    """How the log names a recipient: a socket of this process by its session, else as is."""
    pid = _pid_of_sid.get(name)
    return session_channel(pid) if pid else name


def send_logged(event: str, data: Any, to: str | list[str] | None, skip_sid: str | None,
                emit: Callable[[Any], None]) -> None:
    """Log ``event`` and emit it through ``emit(args)`` with its offset as the trailing
    argument; volatile events, or everything when recovery is off, go out as they are.
    A database failure does not stop live delivery: the event just cannot be replayed.

    One process: log and commit, then emit (a crash in between loses nothing: the event is
    replayed). Several (PostgreSQL and a message queue): the row is written under the
    cluster's order lock, the event is handed to the message queue, and the lock ends with
    the commit; this process's own sockets get it when it comes back through the queue (or,
    when it cannot, right after the commit: :mod:`recovery_writer`), so the lock is never held
    for a fan-out. On PostgreSQL the log has a connection of its own whose commits do not
    wait for the disk, and the events sent while one is written go out together after it
    (:func:`send_postgres_in_turn`)."""
    if event in VOLATILE_EVENTS or not enabled():
        emit(data)
        return
    params = _row(event, data, to, skip_sid)
    if db.engine.dialect.name == "postgresql":
        send_postgres_in_turn([(params, data, emit)])
        return
    with _order:
        try:
            # Straight to the driver: building an ORM insert costs more than the insert.
            offset = db.session.connection().exec_driver_sql(_SQLITE_INSERT, params).scalar_one()
            db.session.commit()
        except Exception:
            log.exception("could not log %r for recovery", event)
            db.session.rollback()
            emit(data)
            return
        emit((data, str(offset)))


def commit_and_send_logged(sends: list[tuple[str, Any, Any, str | None, Callable]]) -> None:
    """Commit the session's transaction, then send ``sends`` (``(event, data, to, skip_sid,
    emit)`` each, as :func:`send_logged` takes them) in order. On SQLite their rows go in one
    INSERT in that same transaction: one commit for an action and what it announces. On
    PostgreSQL the log has a connection of its own: each is logged as send_logged does."""
    logged = [s for s in sends if s[0] not in VOLATILE_EVENTS] if enabled() else []
    if not logged or db.engine.dialect.name != "sqlite":
        db.session.commit()
        if logged and len(logged) == len(sends) and db.engine.dialect.name == "postgresql":
            send_postgres_in_turn([(_row(*s[:4]), s[1], s[4]) for s in sends])
            return
        for event, data, to, skip_sid, emit in sends:
            send_logged(event, data, to, skip_sid, emit)
        return
    with _order:
        offsets: dict[int, int] = {}
        try:
            sql = COLUMNS + "VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(logged))
            ids = db.session.connection().exec_driver_sql(
                sql + " RETURNING id", tuple(p for s in logged for p in _row(*s[:4]))).scalars()
            # SQLite numbers the rows of one INSERT in order: the smallest id is the first row.
            offsets = dict(zip(map(id, logged), sorted(ids)))
        except Exception:  # live delivery goes on; these just cannot be replayed
            log.exception("could not log %s for recovery", [s[0] for s in logged])
        db.session.commit()
        for send in sends:
            offset = offsets.get(id(send))
            send[4](send[1] if offset is None else (send[1], str(offset)))


def _row(event: str, data: Any, to: str | list[str] | None, skip_sid: str | None) -> tuple:
    """The parameters of an event's row (see COLUMNS)."""
    if isinstance(to, list):  # one row, one offset: each socket gets it once, as live
        channel, channels = CHANNEL_LIST, json.dumps(sorted({_logged_channel(name) for name in to}))
    else:
        channel, channels = (_logged_channel(to) if to else None), None
    return (channel, channels, _pid_of_sid.get(skip_sid) if skip_sid else None,
            event, json.dumps(data, separators=(",", ":")), utcnow())


_SQLITE_INSERT = COLUMNS + "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"


def hold(sid: str) -> None:
    """Drop live events for ``sid`` until :func:`replay` has run (it is resuming)."""
    _holds[sid] = (None, time.monotonic() + HOLD_SECONDS)


def replay(sid: str, pid: str, after: int, channels: Iterable[str],
           send: Callable[..., bool | None]) -> int:
    """Send ``sid`` every logged event after offset ``after`` addressed to everyone, to one
    of ``channels`` or to session ``pid`` (but not those that left it out), in order, through
    ``send(event, data, offset, paced=...)``; then let live events newer than the log's end
    through. Returns how many were replayed.

    A small gap is sent under the order lock, unpaced (no event can slip in between). A large
    one is sent outside it, ``paced`` (``send`` may wait for the client to read; False: the
    socket is gone), while live events stay held back; then the events logged meanwhile are
    caught up the same way, until what is left is small enough to finish under the lock."""
    targets = {*channels, session_channel(pid)}
    sent = 0
    for round_ in range(REPLAY_ROUNDS):
        with _order:
            _cluster_lock()  # every event that took an offset before now has committed
            rows, end = _missed(after, targets, pid)
            if round_ == REPLAY_ROUNDS - 1 or sum(
                    len(row.data) for row in rows) <= REPLAY_LOCKED_BYTES:
                for offset, event, data, _ in rows:
                    send(event, replay_cache.decoded(offset, event, data), str(offset))
                _holds[sid] = (end, time.monotonic() + HOLD_SECONDS)
                db.session.commit()
                return sent + len(rows)
            db.session.commit()  # ends the cluster lock: others broadcast while we send
        for offset, event, data, _ in rows:
            if send(event, replay_cache.decoded(offset, event, data), str(offset),
                    paced=True) is False:
                return sent
            sent += 1
        after = end
    return sent


# Up to this much of a replay is sent under the order lock; more goes out paced, outside it.
REPLAY_LOCKED_BYTES = 64 * 1024
REPLAY_ROUNDS = 8  # catch-up rounds before the rest is sent under the lock regardless


# Built once and run as Core: after a restart every client replays, and building this with
# the ORM, then loading its rows through it, was half of each replay's read.
_EVENTS = RecoveryEvent.__table__.c
_MISSED = (
    select(_EVENTS.id, _EVENTS.event, _EVENTS.data, _EVENTS.channels)
    .where(_EVENTS.id > bindparam("after"),
           _EVENTS.channel.is_(None) | _EVENTS.channel.in_(bindparam("targets", expanding=True)),
           _EVENTS.skip_session.is_(None) | (_EVENTS.skip_session != bindparam("pid")))
    .order_by(_EVENTS.id)
)
_END = select(func.max(_EVENTS.id))


def _missed(after: int, targets: set[str], pid: str) -> tuple[list, int]:
    """The rows after ``after`` that reach a socket in ``targets`` (session ``pid``), and the
    log's end."""
    connection = db.session.connection()
    rows = connection.execute(_MISSED, {"after": after, "targets": [*targets, CHANNEL_LIST],
                                        "pid": pid}).all()
    end = connection.execute(_END).scalar() or 0
    # A list row reaches the socket if any of its channels is one of the socket's.
    return [row for row in rows if row.channels is None
            or not targets.isdisjoint(_channel_set(row.channels))], max(end, after)


@functools.lru_cache(maxsize=1024)
def _channel_set(channels: str) -> frozenset[str]:
    """A list row's channels (few distinct lists recur: presence, a room and its listeners)."""
    return frozenset(json.loads(channels))


def last_offset() -> int:
    return db.session.scalar(select(func.max(RecoveryEvent.id))) or 0


def skipped_sids(data: Any) -> list[str]:
    """The held sockets that must not get this event now (called on every local fan-out;
    no work unless a socket of this process resumed in the last ``HOLD_SECONDS``)."""
    if not _holds or not isinstance(data, tuple) or not isinstance(data[-1], str):
        return []
    try:
        offset = int(data[-1])
    except ValueError:
        return []
    now = time.monotonic()
    skipped = []
    for sid, (floor, until) in list(_holds.items()):
        if until < now and floor is not None:
            _holds.pop(sid, None)
        elif floor is None or offset <= floor:
            skipped.append(sid)
    return skipped
