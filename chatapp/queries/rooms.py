"""Community rooms and their messages, as lists and cursor pages."""
from __future__ import annotations

from sqlalchemy import bindparam, func, or_, select

from chatapp.extensions import db
from chatapp.models import Message, Room, RoomMember, RoomPresence
from chatapp.models.room import ROOM_KIND_COMMUNITY
from chatapp.queries.presence import live_connections
from chatapp.serializers import room_summary


def visible_rooms_condition(viewer):
    """Public rooms, plus the private rooms ``viewer`` belongs to (all of them for admins)."""
    if viewer is not None and viewer.is_admin:
        return True
    public = Room.is_private.is_(False)
    if viewer is None:
        return public
    mine = select(RoomMember.room_id).where(RoomMember.user_id == viewer.user_id)
    return or_(public, Room.created_by_id == viewer.user_id, Room.id.in_(mine))


def _rooms_with_counts(visible, *, columns=None):
    """``columns``: select these instead of the Room entity (a summary without ORM rows)."""
    live = live_connections()
    counts = (
        select(RoomPresence.room_id, func.count(func.distinct(live.c.user_id)).label("n"))
        .join(live, live.c.sid == RoomPresence.sid)
        .group_by(RoomPresence.room_id)
        .subquery()
    )
    return (
        select(*(columns or (Room,)), func.coalesce(counts.c.n, 0).label("users_count"))
        .outerjoin(counts, counts.c.room_id == Room.id)
        .where(Room.kind == ROOM_KIND_COMMUNITY, visible)
        .order_by(Room.id)
    )


class _Viewer:  # stands for any signed-in, non-admin viewer: their id is a parameter
    is_admin = False
    user_id = bindparam("viewer_id")


# Built once per kind of viewer (every login runs one): constructing the statement cost
# more CPU than running it.
_ROOMS_WITH_COUNTS = {kind: _rooms_with_counts(visible_rooms_condition(viewer))
                      for kind, viewer in (("anonymous", None), ("viewer", _Viewer()))}


def community_rooms_with_counts(viewer=None) -> list[tuple[Room, int]]:
    """Every community room ``viewer`` (an Actor, or None: anonymous) may see, oldest first,
    with its distinct-user count."""
    if viewer is not None and viewer.is_admin:
        stmt, params = _rooms_with_counts(True), {}
    elif viewer is None:
        stmt, params = _ROOMS_WITH_COUNTS["anonymous"], {}
    else:
        stmt, params = _ROOMS_WITH_COUNTS["viewer"], {"viewer_id": viewer.user_id}
    return [(room, count) for room, count in db.session.execute(stmt, params)]


# A login's rooms:list needs five columns: loading Room rows through the ORM (identity map,
# instance state, every column) made the read 210 instead of 135 us for five rooms.
_SUMMARY_COLUMNS = (Room.id, Room.name, Room.description, Room.category, Room.is_private)
_ROOM_SUMMARIES = {kind: _rooms_with_counts(visible_rooms_condition(viewer),
                                            columns=_SUMMARY_COLUMNS)
                   for kind, viewer in (("anonymous", None), ("viewer", _Viewer()))}


def community_room_summaries(viewer=None) -> list[dict]:
    """``rooms:list``'s entries (:func:`~chatapp.serializers.room_summary`) of the rooms
    :func:`community_rooms_with_counts` gives, read as plain rows."""
    if viewer is not None and viewer.is_admin:
        stmt, params = _rooms_with_counts(True, columns=_SUMMARY_COLUMNS), {}
    elif viewer is None:
        stmt, params = _ROOM_SUMMARIES["anonymous"], {}
    else:
        stmt, params = _ROOM_SUMMARIES["viewer"], {"viewer_id": viewer.user_id}
    rows = db.session.connection().execute(stmt, params)  # Core: no autoflush, no ORM rows
    return [room_summary(row, row.users_count) for row in rows]


def get_community_room(room_id: int) -> Room | None:
    room = db.session.get(Room, room_id)
    return room if room is not None and room.kind == ROOM_KIND_COMMUNITY else None


def room_history(room_id: int, limit: int) -> list[Message]:
    """The latest ``limit`` messages of a room, oldest first."""
    return list(reversed(room_messages_page(room_id, before=None, limit=limit)))


def page_of(stmt, *, before: int | None, after: int | None, limit: int) -> list[Message]:
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
    return page_of(stmt, before=before, after=after, limit=limit)
