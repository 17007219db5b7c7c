"""Who is online and where: live sockets of live processes, users in rooms."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, bindparam, exists, func, or_, select

from chatapp.extensions import db
from chatapp.models import Connection, RoomPresence, ServerProcess, User
from chatapp.models.presence import PARKED_SUFFIX
from chatapp.timeutil import utcnow


def alive_cutoff() -> datetime:
    """Processes whose heartbeat is older than this are dead; their sockets do not count."""
    return utcnow() - timedelta(seconds=current_app.config["PRESENCE_TIMEOUT"])


def parked_cutoff() -> datetime:
    """Sockets parked at a shutdown whose placeholder no client came back to since this are
    given up (``HANDOFF_GRACE``)."""
    return utcnow() - timedelta(seconds=current_app.config["HANDOFF_GRACE"])


# Built once: constructing these statements cost more CPU than running them (a login ran
# several). The cutoff is a parameter whose value is taken at each execution.
_LIVE = (
    select(Connection.sid, Connection.user_id)
    .join(ServerProcess, ServerProcess.id == Connection.process_id)
    .where(ServerProcess.heartbeat_at >= bindparam("alive_cutoff", type_=DateTime(),
                                                   callable_=lambda: alive_cutoff()))
    .subquery()
)
_USER_IS_ONLINE = select(exists().where(_LIVE.c.user_id == bindparam("user_id")))
# Taken by an account (guests never use an account's name), or by someone online now
# (case-insensitively): looked up by name first, so its cost does not grow with who is online.
_GUEST_NAME_TAKEN = select(or_(
    exists().where(User.account_key == bindparam("key")),
    exists().where(func.lower(User.username) == bindparam("key"),
                   exists().where(_LIVE.c.user_id == User.id)),
))


def live_connections():
    """Connections held by a live process (a subquery of sid, user_id)."""
    return _LIVE


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
    return bool(db.session.scalar(_USER_IS_ONLINE, {"user_id": user_id}))


def parked_sockets_of_guest_name(name: str) -> list[str]:
    """The sockets parked at a shutdown (``actions.presence.do_park_sockets``) of guests
    named ``name`` (case-insensitively), if nobody else online goes by it; else none."""
    holders = db.session.execute(
        select(Connection.sid, Connection.process_id)
        .join(User, User.id == Connection.user_id)
        .join(_LIVE, _LIVE.c.sid == Connection.sid)
        .where(func.lower(User.username) == name.lower(), User.is_guest.is_(True))).all()
    if any(not process_id.endswith(PARKED_SUFFIX) for _, process_id in holders):
        return []
    return [sid for sid, _ in holders]


# The same, leaving out one user: whether a guest coming back may keep its own name.
_GUEST_NAME_TAKEN_BY_OTHER = select(or_(
    exists().where(User.account_key == bindparam("key")),
    exists().where(func.lower(User.username) == bindparam("key"), User.id != bindparam("user_id"),
                   exists().where(_LIVE.c.user_id == User.id)),
))


def guest_name_taken_by_other(name: str, user_id: int) -> bool:
    """Whether an account, or someone online other than ``user_id``, goes by ``name``."""
    return bool(db.session.scalar(_GUEST_NAME_TAKEN_BY_OTHER,
                                  {"key": name.lower(), "user_id": user_id}))


def guest_name_taken(name: str) -> bool:
    """Whether a new guest may not take ``name``: an account has it, or someone online goes
    by it (case-insensitively)."""
    return bool(db.session.scalar(_GUEST_NAME_TAKEN, {"key": name.lower()}))


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
