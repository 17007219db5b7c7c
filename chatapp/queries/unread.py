"""Unread counts per room and conversation, and unread mentions, for badges."""
from __future__ import annotations

from sqlalchemy import and_, func, select

from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import Event, Message, MessageMention, Room, RoomRead
from chatapp.queries.conversations import conversation_summaries
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.serializers import wire_user_id


def room_unread(actor: Actor) -> list[dict]:
    """``[{roomId, eventId, lastReadId, unread, mentions}]``: every room the user has a read
    marker in (they read it once), and every room with a mention of them they have not read,
    that they may still see. ``unread`` counts others' undeleted messages after the marker."""
    me = actor.user_id
    read = RoomRead
    unread_rows = db.session.execute(
        select(read.room_id, read.last_read_id, func.count(Message.id))
        .outerjoin(Message, and_(Message.room_id == read.room_id, Message.id > read.last_read_id,
                                 Message.sender_id != me, Message.deleted_at.is_(None)))
        .where(read.user_id == me).group_by(read.room_id, read.last_read_id)).all()
    mention_rows = db.session.execute(
        select(Message.room_id, func.count())
        .join(MessageMention, MessageMention.message_id == Message.id)
        .outerjoin(read, and_(read.user_id == me, read.room_id == Message.room_id))
        .where(MessageMention.user_id == me, Message.deleted_at.is_(None),
               Message.room_id.is_not(None),
               Message.id > func.coalesce(read.last_read_id, 0))
        .group_by(Message.room_id)).all()
    entries = {room_id: {"roomId": room_id, "lastReadId": last, "unread": n, "mentions": 0}
               for room_id, last, n in unread_rows}
    for room_id, n in mention_rows:
        entries.setdefault(room_id, {"roomId": room_id, "lastReadId": 0, "unread": n,
                                     "mentions": 0})["mentions"] = n
    if not entries:
        return []
    rooms = {r.id: r for r in db.session.scalars(select(Room).where(Room.id.in_(entries)))}
    events = dict(db.session.execute(select(Event.room_id, Event.id)
                                     .where(Event.room_id.in_(entries))).all())
    out = []
    for room_id in sorted(entries):
        room = rooms.get(room_id)
        if room is None or not _may_see(actor, room):
            continue
        out.append({**entries[room_id], "eventId": events.get(room_id)})
    return out


def _may_see(actor: Actor, room: Room) -> bool:
    try:
        authz.check_can_see(actor, room)
    except ChatError:
        return False
    return True


def unread_summary(actor: Actor) -> dict:
    """``{rooms: [...], conversations: [{userId, unread}]}`` (conversations with unread only)."""
    conversations = [{"userId": wire_user_id(c.peer), "unread": c.unread}
                     for c in conversation_summaries(actor.user_id) if c.unread]
    return {"rooms": room_unread(actor), "conversations": conversations}
