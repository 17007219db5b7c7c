"""Editing one's own room messages.

Only the author edits a message: nobody else, moderators and admins included, may put words
in someone's mouth (moderators delete instead). The new text is stored in place with
``edited_at``; its mentions are parsed again and newly mentioned users are told.
"""
from __future__ import annotations

from chatapp.actions.mentions import mentioned_users, replace_mentions
from chatapp.actions.messages import RoomRef, check_chat_open, check_message_text
from chatapp.errors import Forbidden, NotFound
from chatapp.extensions import db
from chatapp.models import Message, MessageMention
from chatapp.queries.message_views import room_message_view
from chatapp.realtime import broadcast
from chatapp.security import authz, ratelimit
from chatapp.security.identity import Actor
from chatapp.timeutil import utcnow


def check_message_here(room_id: int, message_id: int) -> Message:
    """A message of the room that has not been deleted (``not_found`` otherwise)."""
    message = db.session.get(Message, message_id)
    if message is None or message.room_id != room_id or message.deleted_at is not None:
        raise NotFound(f"message {message_id} does not exist here")
    return message


def do_edit_message(actor: Actor, room: RoomRef, message_id: int, text: object, *,
                    client_ip: str | None = None) -> dict:
    """Replace the text of the actor's own message; ``room:message:updated {roomId, message}``
    to the room (the whole message, with ``editedAt``), and ``mention`` to users the new text
    names for the first time. A muted author cannot edit (it would be posting). Returns the
    updated message."""
    content = check_message_text(text)
    check_chat_open(room)
    authz.check_can_post(actor, room.id)
    ratelimit.check("RATE_LIMIT_MESSAGES", f"user:{actor.user_id}", guest=actor.is_guest)
    ratelimit.check("RATE_LIMIT_PER_IP", client_ip and f"ip:{client_ip}")
    message = check_message_here(room.id, message_id)
    if message.sender_id != actor.user_id:
        raise Forbidden("only its author may edit a message")
    before = {row.user_id for row in db.session.scalars(
        db.select(MessageMention).where(MessageMention.message_id == message.id))}
    mentioned = mentioned_users(actor.user_id, room.id, content)
    message.content, message.edited_at = content, utcnow()
    replace_mentions(message.id, mentioned)
    db.session.commit()
    payload = room_message_view(message)
    broadcast.room_message_updated(room.id, payload)
    for user in mentioned:
        if user.id not in before:
            broadcast.mention(user.id, room.id, None, payload)
    return payload
