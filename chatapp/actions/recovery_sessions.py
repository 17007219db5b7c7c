"""Recovery sessions: started with a socket, snapshotted when it goes, pruned when too old.

Kept apart from :mod:`chatapp.actions.recovery` (which resumes them) because presence calls
:func:`persist_sessions` when it clears a dead process's sockets, and resuming uses presence.
"""
from __future__ import annotations

import json
from datetime import timedelta

from flask import current_app
from sqlalchemy import String, Text, bindparam, delete, func, insert, select, update

from chatapp.extensions import db
from chatapp.models import Connection, RecoveryEvent, RecoverySession, RoomPresence
from chatapp.realtime import recovery_log
from chatapp.timeutil import utcnow

# How much longer than the window events are kept: a cut link is noticed by the server only
# at the ping timeout, and the client may have missed events since then.
EVENT_SLACK_SECONDS = 60


# Built once, with the log's end read inside the INSERT: every connect runs it, and building
# the statement, then reading the end in a statement of its own, cost more than the insert
# (a seventh of a connect's CPU, py-spy on `loadgen connections`).
_START_SESSION = insert(RecoverySession).values(
    pid=bindparam("pid"), sid=bindparam("sid"), created_at=bindparam("created_at"),
    start_offset=select(func.coalesce(func.max(RecoveryEvent.id), 0)).scalar_subquery())


def do_start_session(sid: str, pid: str) -> None:
    """Record a fresh session for socket ``sid``, resumable from the log's current end."""
    db.session.connection().execute(_START_SESSION,
                                    {"pid": pid, "sid": sid, "created_at": utcnow()})
    db.session.commit()


def do_end_session(sid: str) -> None:
    """The socket will not be resumed (it was closed on purpose): forget its session."""
    db.session.execute(delete(RecoverySession).where(RecoverySession.sid == sid))
    db.session.commit()


def do_keep_session(sid: str, guest_name_asked: str | None,
                    presence_channels: list[str]) -> None:
    """Socket ``sid`` dropped without saying goodbye: keep its session resumable (who it
    was, where it was, whom it watched) and commit."""
    do_keep_sessions([sid], {sid: guest_name_asked}, {sid: presence_channels})


def do_keep_sessions(sids: list[str], guest_names: dict[str, str | None],
                     presence: dict[str, list[str]]) -> None:
    """As :func:`do_keep_session`, for many sockets in one transaction (shutdown)."""
    persist_sessions(sids, guest_names, presence)
    db.session.commit()


# Built once and run as one executemany: a shutdown snapshots every socket of its process,
# and one ORM UPDATE built per socket was most of the hand-off's time (10,000 sockets: 14 s
# to stop). What is not known for a socket (None) keeps what its session already had.
_SNAPSHOT = (
    update(RecoverySession)
    .where(RecoverySession.sid == bindparam("b_sid"), RecoverySession.disconnected_at.is_(None))
    .values(disconnected_at=bindparam("b_at"), user_id=bindparam("b_user"),
            room_ids=bindparam("b_rooms"),
            guest_name_asked=func.coalesce(bindparam("b_guest", type_=String()),
                                           RecoverySession.guest_name_asked),
            presence=func.coalesce(bindparam("b_presence", type_=Text()),
                                   RecoverySession.presence))
)


def persist_sessions(sids: list[str], guest_names: dict[str, str | None] | None = None,
                     presence: dict[str, list[str]] | None = None) -> None:
    """Snapshot who these sockets were, which rooms they were in and (when known, from
    ``presence``) which presence channels they listened to, and mark their sessions
    disconnected now (called before their presence rows are deleted). Not committed."""
    if not sids:
        return
    users = dict(db.session.execute(
        select(Connection.sid, Connection.user_id).where(Connection.sid.in_(sids))).all())
    rooms: dict[str, list[int]] = {}
    for sid, room_id in db.session.execute(
            select(RoomPresence.sid, RoomPresence.room_id).where(RoomPresence.sid.in_(sids))):
        rooms.setdefault(sid, []).append(room_id)
    now = utcnow()
    guest_names, presence = guest_names or {}, presence or {}
    db.session.connection().execute(_SNAPSHOT, [
        {"b_sid": sid, "b_at": now, "b_user": users.get(sid),
         "b_rooms": json.dumps(sorted(rooms.get(sid, []))),
         "b_guest": guest_names.get(sid) or None,
         "b_presence": json.dumps(sorted(presence[sid])) if sid in presence else None}
        for sid in dict.fromkeys(sids)])


def do_prune_recovery() -> None:
    """Delete sessions past the window and events nobody can resume from any more."""
    window = current_app.config["RECOVERY_WINDOW"]
    now = utcnow()
    db.session.execute(delete(RecoverySession).where(
        RecoverySession.disconnected_at < now - timedelta(seconds=window)))
    # Sockets of processes that died uncleanly and were never snapshotted.
    db.session.execute(delete(RecoverySession).where(
        RecoverySession.disconnected_at.is_(None),
        RecoverySession.created_at < now - timedelta(days=1),
        RecoverySession.sid.not_in(select(Connection.sid))))
    # The oldest event still needed, found by walking from the oldest (expired rows only).
    keep_from = db.session.scalar(
        select(RecoveryEvent.id).where(RecoveryEvent.created_at >= now - timedelta(
            seconds=window + EVENT_SLACK_SECONDS)).order_by(RecoveryEvent.id).limit(1))
    if keep_from is None:  # keep the newest row all the same: offsets must never restart
        keep_from = recovery_log.last_offset()
    db.session.execute(delete(RecoveryEvent).where(RecoveryEvent.id < keep_from))
    db.session.commit()
