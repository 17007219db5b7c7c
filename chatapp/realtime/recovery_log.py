"""The event log behind connection state recovery, and the offsets it gives out.

Socket.IO v4.6+ clients resume a session by sending back the offset of the last event they
got; the offset is each event's trailing argument (JavaScript handlers ignore an extra
argument). Here the offset is the id of the event's row in ``recovery_events``: one INSERT
per broadcast, the same offset for every recipient, whatever process delivers it.

Order: a client resumes "after offset N", so the events a socket receives must carry
increasing offsets. Within a process a lock makes "take the next id, deliver, commit" one
step; across processes on PostgreSQL a transaction-level advisory lock does the same, held
until the commit (after the message queue was handed the event).

The replay after a reconnect races with live delivery: an event can be in the database and
still on its way through the message queue. A resuming socket is therefore *held*: its live
events are dropped (they are in the log) until the replay is sent, and after that only
events newer than what the replay covered reach it (see :func:`skipped_sids`).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable, Iterable

from flask import current_app
from sqlalchemy import func, insert, select, text

from chatapp.extensions import db
from chatapp.models import RecoveryEvent

log = logging.getLogger(__name__)

# Events not worth replaying (as socket.io's volatile emits): a missed "is typing" is stale.
VOLATILE_EVENTS = frozenset({"user:typing", "userTyping", "user:typing:private"})
ADVISORY_LOCK_KEY = 0x63686174  # "chat": one lock for the whole cluster's event order
HOLD_SECONDS = 30.0  # how long a resumed socket filters out events its replay covered

_order = threading.RLock()
_pid_of_sid: dict[str, str] = {}  # this process's sockets -> their private session ids
# sid -> (highest offset the replay covered, or None while the replay is pending; expiry)
_holds: dict[str, tuple[int | None, float]] = {}


def enabled() -> bool:
    return bool(current_app.config.get("CONNECTION_STATE_RECOVERY"))


def session_channel(pid: str) -> str:
    return f"session:{pid}"


def register_socket(sid: str, pid: str) -> None:
    _pid_of_sid[sid] = pid


def forget_socket(sid: str) -> None:
    _pid_of_sid.pop(sid, None)
    _holds.pop(sid, None)


def pid_of(sid: str) -> str | None:
    return _pid_of_sid.get(sid)


def _cluster_lock() -> bool:
    """Take the cluster-wide order lock until the commit; False on SQLite (one process, whose
    own lock is enough)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    return True


def send_logged(event: str, data: Any, to: str | None, skip_sid: str | None,
                emit: Callable[[Any], None]) -> None:
    """Log ``event`` and emit it through ``emit(args)`` with its offset as the trailing
    argument; volatile events, or everything when recovery is off, go out as they are.
    A database failure does not stop live delivery: the event just cannot be replayed."""
    if event in VOLATILE_EVENTS or not enabled():
        emit(data)
        return
    pid = _pid_of_sid.get(to) if to else None
    skip = _pid_of_sid.get(skip_sid) if skip_sid else None
    with _order:
        try:
            shared = _cluster_lock()
            offset = db.session.execute(insert(RecoveryEvent).values(
                channel=session_channel(pid) if pid else to, skip_session=skip, event=event,
                data=json.dumps(data, separators=(",", ":"))).returning(RecoveryEvent.id)
            ).scalar_one()
            if not shared:
                # SQLite could hand a rolled-back id out again (after a crash between emit
                # and commit), so commit first; killed before the emit, the event is replayed.
                db.session.commit()
        except Exception:
            log.exception("could not log %r for recovery", event)
            db.session.rollback()
            emit(data)
            return
        try:
            emit((data, str(offset)))
        finally:
            if shared:  # PostgreSQL: sequence ids are never reused; the lock ends here
                db.session.commit()


def hold(sid: str) -> None:
    """Drop live events for ``sid`` until :func:`replay` has run (it is resuming)."""
    _holds[sid] = (None, time.monotonic() + HOLD_SECONDS)


def replay(sid: str, pid: str, after: int, channels: Iterable[str],
           send: Callable[[str, Any, str], None]) -> int:
    """Send ``sid`` every logged event after offset ``after`` addressed to everyone, to one
    of ``channels`` or to session ``pid`` (but not those that left it out), in order, through
    ``send(event, data, offset)``; then let live events newer than the log's end through.
    Returns how many were replayed."""
    targets = [*channels, session_channel(pid)]
    with _order:
        _cluster_lock()  # every event taking an offset before now has committed
        rows = db.session.execute(
            select(RecoveryEvent.id, RecoveryEvent.event, RecoveryEvent.data)
            .where(RecoveryEvent.id > after,
                   RecoveryEvent.channel.is_(None) | RecoveryEvent.channel.in_(targets),
                   RecoveryEvent.skip_session.is_(None) | (RecoveryEvent.skip_session != pid))
            .order_by(RecoveryEvent.id)).all()
        end = db.session.scalar(select(func.max(RecoveryEvent.id))) or 0
        for offset, event, data in rows:
            send(event, json.loads(data), str(offset))
        _holds[sid] = (end, time.monotonic() + HOLD_SECONDS)
        db.session.commit()
    return len(rows)


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
