"""Reading a private conversation: unread badges clear on every tab of the reader."""
from __future__ import annotations

from sqlalchemy import func, select

from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.models import ConversationRead, Message, User
from chatapp.realtime import broadcast
from chatapp.security.identity import Actor
from chatapp.serializers import wire_user_id


def do_mark_conversation_read(actor: Actor, peer_id: int) -> int:
    """Mark everything ``peer_id`` has sent ``actor`` so far as read; ``conversation:read
    {userId}`` to every socket of the reader. Returns the id read up to (0: nothing yet).

    Only ever moves forward, so a stale tab cannot make read messages unread again.
    """
    peer = db.session.get(User, peer_id)
    if peer is None:
        raise NotFound(f"user {peer_id} does not exist")
    newest = db.session.scalar(
        select(func.max(Message.id)).where(Message.room_id.is_(None),
                                           Message.sender_id == peer_id,
                                           Message.recipient_id == actor.user_id)) or 0
    row = db.session.get(ConversationRead, (actor.user_id, peer_id), with_for_update=True)
    if row is None:
        row = ConversationRead(user_id=actor.user_id, peer_id=peer_id, last_read_id=0)
        db.session.add(row)
    row.last_read_id = max(row.last_read_id or 0, newest)
    up_to = row.last_read_id
    db.session.commit()
    broadcast.conversation_read(actor.user_id, wire_user_id(peer))
    return up_to
