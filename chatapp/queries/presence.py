"""Who is online and where: live sockets of live processes, users in rooms."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from chatapp.extensions import db
from chatapp.models import Connection, RoomPresence, ServerProcess, User
from chatapp.timeutil import utcnow


def alive_cutoff() -> datetime:
    """Processes whose heartbeat is older than this are dead; their sockets do not count."""
    return utcnow() - timedelta(seconds=current_app.config["PRESENCE_TIMEOUT"])


def live_connections():
    """Connections held by a live process (a subquery of sid, user_id)."""
    return (
        select(Connection.sid, Connection.user_id)
        .join(ServerProcess, ServerProcess.id == Connection.process_id)
        .where(ServerProcess.heartbeat_at >= alive_cutoff())
        .subquery()
    )


def room_users_count(room_id: int) -> int:
    """Distinct users with at least one live socket in the room."""
    live = live_connections()
    stmt = (
        select(func.count(func.distinct(live.c.user_id)))
        .select_from(RoomPresence)
        .join(live, live.c.sid == RoomPresence.sid)
        .where(RoomPresence.room_id == room_id)
    )
    return db.session.scalar(stmt) or 0


def user_is_online(user_id: int) -> bool:
    live = live_connections()
    return db.session.scalar(
        select(func.count()).select_from(live).where(live.c.user_id == user_id)
    ) > 0


def online_user_named(username: str, *, other_than: int | None) -> bool:
    """Whether someone else who is online now goes by this name (case-insensitively)."""
    live = live_connections()
    stmt = (
        select(func.count())
        .select_from(live)
        .join(User, User.id == live.c.user_id)
        .where(func.lower(User.username) == username.lower())
    )
    if other_than is not None:
        stmt = stmt.where(User.id != other_than)
    return (db.session.scalar(stmt) or 0) > 0


def online_users() -> list[User]:
    live = live_connections()
    stmt = select(User).where(User.id.in_(select(live.c.user_id))).order_by(User.username)
    return list(db.session.scalars(stmt))


def user_has_presence_in_room(user_id: int, room_id: int, *, except_sid: str | None = None) -> bool:
    """Whether the user still has a live socket (other than ``except_sid``) in the room."""
    live = live_connections()
    stmt = (
        select(func.count())
        .select_from(RoomPresence)
        .join(live, live.c.sid == RoomPresence.sid)
        .where(RoomPresence.room_id == room_id, live.c.user_id == user_id)
    )
    if except_sid is not None:
        stmt = stmt.where(RoomPresence.sid != except_sid)
    return (db.session.scalar(stmt) or 0) > 0
