"""Read-only queries shared by actions, REST views and sockets."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from chatapp.extensions import db
from chatapp.models import (Connection, Message, Room, RoomMember, RoomPresence, ServerProcess,
                            User)
from chatapp.models.room import ROOM_KIND_COMMUNITY
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


def visible_rooms_condition(viewer):
    """Public rooms, plus the private rooms ``viewer`` belongs to (all of them for admins)."""
    if viewer is not None and viewer.is_admin:
        return True
    public = Room.is_private.is_(False)
    if viewer is None:
        return public
    mine = select(RoomMember.room_id).where(RoomMember.user_id == viewer.user_id)
    return or_(public, Room.created_by_id == viewer.user_id, Room.id.in_(mine))


def community_rooms_with_counts(viewer=None) -> list[tuple[Room, int]]:
    """Every community room ``viewer`` (an Actor, or None: anonymous) may see, oldest first,
    with its distinct-user count."""
    live = live_connections()
    counts = (
        select(RoomPresence.room_id, func.count(func.distinct(live.c.user_id)).label("n"))
        .join(live, live.c.sid == RoomPresence.sid)
        .group_by(RoomPresence.room_id)
        .subquery()
    )
    stmt = (
        select(Room, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.room_id == Room.id)
        .where(Room.kind == ROOM_KIND_COMMUNITY, visible_rooms_condition(viewer))
        .order_by(Room.id)
    )
    return [(room, count) for room, count in db.session.execute(stmt)]


def get_community_room(room_id: int) -> Room | None:
    room = db.session.get(Room, room_id)
    return room if room is not None and room.kind == ROOM_KIND_COMMUNITY else None


def room_history(room_id: int, limit: int) -> list[Message]:
    """The latest ``limit`` messages of a room, oldest first."""
    return list(reversed(room_messages_page(room_id, before=None, limit=limit)))


def _page(stmt, *, before: int | None, after: int | None, limit: int) -> list[Message]:
    """Going back (``before``, or the latest): newest first. Catching up (``after``): the
    messages with a higher id, oldest first, so a client appends them in order."""
    if after is not None:
        stmt = stmt.where(Message.id > after).order_by(Message.id.asc())
    else:
        if before is not None:
            stmt = stmt.where(Message.id < before)
        stmt = stmt.order_by(Message.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def room_messages_page(room_id: int, *, before: int | None = None, after: int | None = None,
                       limit: int) -> list[Message]:
    """A room's messages older than ``before`` (newest first) or newer than ``after``
    (oldest first); deleted ones never."""
    stmt = select(Message).where(Message.room_id == room_id, Message.deleted_at.is_(None))
    return _page(stmt, before=before, after=after, limit=limit)


def conversation_condition(user_id: int, other_id: int):
    return and_(
        Message.room_id.is_(None),
        or_(
            and_(Message.sender_id == user_id, Message.recipient_id == other_id),
            and_(Message.sender_id == other_id, Message.recipient_id == user_id),
        ),
    )


def conversation_page(user_id: int, other_id: int, *, before: int | None = None,
                      after: int | None = None, limit: int) -> list[Message]:
    """Private messages between two users, paged as :func:`room_messages_page`."""
    stmt = select(Message).where(conversation_condition(user_id, other_id))
    return _page(stmt, before=before, after=after, limit=limit)


def conversation_history(user_id: int, other_id: int, limit: int) -> list[Message]:
    """The latest ``limit`` private messages between two users, oldest first."""
    return list(reversed(conversation_page(user_id, other_id, limit=limit)))


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
