"""Reading rooms: one marker per user and room, so unread badges agree on every tab and device."""
from __future__ import annotations

from sqlalchemy import func, select

from chatapp.extensions import db
from chatapp.models import Message, Room, RoomRead
from chatapp.queries.events import event_of_room
from chatapp.realtime import broadcast
from chatapp.security import authz
from chatapp.security.identity import Actor


def do_mark_room_read(actor: Actor, room: Room, up_to: int | None = None) -> int:
    """Mark the room (a community room or an event's chat) read up to message ``up_to``, or
    to its newest message; ``room:read {roomId, eventId, lastReadId}`` to every socket of the
    reader. Only ever moves forward (a stale tab cannot make read messages unread again).
    Returns the id read up to (0: the room has no messages yet)."""
    authz.check_can_see(actor, room)
    newest = db.session.scalar(select(func.max(Message.id)).where(Message.room_id == room.id)) or 0
    target = newest if up_to is None else min(up_to, newest)
    row = db.session.get(RoomRead, (actor.user_id, room.id), with_for_update=True)
    if row is None:
        row = RoomRead(user_id=actor.user_id, room_id=room.id, last_read_id=0)
        db.session.add(row)
    row.last_read_id = max(row.last_read_id or 0, target)
    last_read = row.last_read_id
    db.session.commit()
    event = event_of_room(room.id) if room.kind != "community" else None
    broadcast.room_read(actor.user_id, room.id, event.id if event is not None else None,
                        last_read)
    return last_read
