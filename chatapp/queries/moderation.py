"""Read-only queries for moderation: the record, who is where, and the wire shape of a record."""
from __future__ import annotations

from sqlalchemy import func, select

from chatapp.extensions import db
from chatapp.models import Connection, Event, ModerationRecord, Room, RoomPresence, User
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.timeutil import isoformat_z


def event_id_of(room: Room) -> str | None:
    """The id of the event whose chat ``room`` is, or None for a community room (the broadcast
    layer picks each event's protocol by it)."""
    if room.kind != ROOM_KIND_EVENT:
        return None
    return db.session.scalar(select(Event.id).where(Event.room_id == room.id))


def sockets_of_user_in_room(user_id: int, room_id: int) -> list[str]:
    """Every socket of the user that is in the room, on any process (alive or not)."""
    return list(db.session.scalars(
        select(RoomPresence.sid).join(Connection, Connection.sid == RoomPresence.sid)
        .where(RoomPresence.room_id == room_id, Connection.user_id == user_id)))


def user_in_room_named(room_id: int, username: str) -> int | None:
    """The id of the user called ``username`` (case-insensitively) who has a socket in the
    room: live-event clients know each other by name only."""
    return db.session.scalar(
        select(User.id).join(Connection, Connection.user_id == User.id)
        .join(RoomPresence, RoomPresence.sid == Connection.sid)
        .where(RoomPresence.room_id == room_id, func.lower(User.username) == username.lower())
        .limit(1))


def moderation_log(room_id: int, *, before: int | None = None, limit: int = 50
                   ) -> list[ModerationRecord]:
    """A room's moderation record, newest first, strictly older than record id ``before``."""
    stmt = select(ModerationRecord).where(ModerationRecord.room_id == room_id)
    if before is not None:
        stmt = stmt.where(ModerationRecord.id < before)
    return list(db.session.scalars(stmt.order_by(ModerationRecord.id.desc()).limit(limit)))


def record_payloads(records: list[ModerationRecord]) -> list[dict]:
    """``{id, action, actor, target, messageId, detail, timestamp}``; actor and target are
    ``{userId, username}`` by wire id (see :func:`chatapp.serializers.wire_user_id`; target
    null when the action had none, e.g. slow mode)."""
    ids = {r.actor_id for r in records} | {r.target_user_id for r in records if r.target_user_id}
    users = {user_id: (external_id or str(user_id), name) for user_id, external_id, name in
             db.session.execute(select(User.id, User.external_id, User.username)
                                .where(User.id.in_(ids)))} if ids else {}

    def person(user_id: int | None) -> dict | None:
        if user_id is None:
            return None
        wire_id, name = users.get(user_id, (str(user_id), None))
        return {"userId": wire_id, "username": name}

    return [{"id": r.id, "action": r.action, "actor": person(r.actor_id),
             "target": person(r.target_user_id), "messageId": r.message_id, "detail": r.detail,
             "timestamp": isoformat_z(r.created_at)} for r in records]
