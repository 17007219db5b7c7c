"""Sending messages: the one write path for community rooms, event chats and private messages."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import insert

from chatapp.actions.event_held import do_hold_message, is_held_for
from chatapp.errors import EventEnded, Forbidden, NotFound
from chatapp.extensions import db
from chatapp.models import Event, Message, User
from chatapp.models.event_status import CANCELLED, ENDED, chat_open, status_of
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.observability import metrics
from chatapp.queries.events import event_of_room
from chatapp.realtime import broadcast
from chatapp.security import authz, ratelimit
from chatapp.security.identity import Actor
from chatapp.serializers import (
    event_message_payload,
    name_fields,
    room_message_payload,
    wire_user_id,
)
from chatapp.timeutil import isoformat_z, utcnow
from chatapp.validation import clean_text


@dataclass(frozen=True, slots=True)
class RoomRef:
    """What the write path needs to know of a room, so the hot path needs no query for it."""

    id: int
    kind: str


def check_message_text(text: object) -> str:
    return clean_text(text, "message", max_length=current_app.config["MAX_MESSAGE_LENGTH"])


def store_message(*, sender_id: int, content: str, room_id: int | None = None,
                  recipient_id: int | None = None):
    """Insert and commit one message; return its id and timestamp. One INSERT, one COMMIT."""
    created_at = utcnow()
    result = db.session.execute(insert(Message).values(
        room_id=room_id, recipient_id=recipient_id, sender_id=sender_id, content=content,
        created_at=created_at))
    db.session.commit()
    metrics.message_stored("private" if recipient_id is not None else "room")
    return result.inserted_primary_key[0], created_at


def check_chat_open(room: RoomRef) -> Event | None:
    """An event's chat takes messages only while live (or before start, if the host allows).
    Returns the event (None for a community room)."""
    if room.kind != ROOM_KIND_EVENT:
        return None
    event = event_of_room(room.id)
    if event is None:
        raise NotFound("this event no longer exists")
    if not chat_open(event):
        status = status_of(event)
        if status in (ENDED, CANCELLED):
            raise EventEnded(f"the event is {status}; its chat is closed")
        raise Forbidden("the chat opens when the event starts")
    return event


def check_may_post(actor: Actor, room_id: int, client_ip: str | None) -> None:
    """Not muted, within the message rate limits, and within slow mode (staff exempt). Uses
    the cached room policy, so the hot path makes no query for it."""
    slow_mode = authz.check_can_post(actor, room_id)
    ratelimit.check("RATE_LIMIT_MESSAGES", f"user:{actor.user_id}", guest=actor.is_guest)
    ratelimit.check("RATE_LIMIT_PER_IP", client_ip and f"ip:{client_ip}")
    if slow_mode:
        ratelimit.check_slow_mode(room_id, actor.user_id, authz.policy_of(room_id).slow_mode_seconds)


def do_send_message(actor: Actor, room: RoomRef, text: object, *,
                    client_ip: str | None = None) -> dict:
    """Store a message in a room (community room or event chat), then broadcast it to the room
    in that room's protocol: ``room:message:new`` or ``newMessage``. Returns what was sent.
    In a moderated event's chat a non-staff message is held for review instead (see
    :mod:`chatapp.actions.event_held`): what is returned then carries ``held: true``."""
    content = check_message_text(text)
    event = check_chat_open(room)
    check_may_post(actor, room.id, client_ip)
    if event is not None and is_held_for(actor, event, room.id):
        return do_hold_message(actor, event, content)
    message_id, created_at = store_message(sender_id=actor.user_id, content=content,
                                           room_id=room.id)
    if room.kind == ROOM_KIND_EVENT:
        payload = event_message_payload(message_id, actor, content, created_at)
        broadcast.event_message_new(room.id, payload)
    else:
        payload = room_message_payload(message_id, actor, content, created_at)
        broadcast.room_message_new(room.id, payload)
    return payload


def do_send_private_message(actor: Actor, recipient_id: int, text: object, *,
                            client_ip: str | None = None) -> dict:
    """Store a private message, then ``message:private`` to every socket of the recipient and
    ``message:private:sent`` to every socket of the sender. An offline recipient reads it later
    from the conversation history."""
    content = check_message_text(text)
    ratelimit.check("RATE_LIMIT_MESSAGES", f"user:{actor.user_id}", guest=actor.is_guest)
    ratelimit.check("RATE_LIMIT_PER_IP", client_ip and f"ip:{client_ip}")
    recipient = db.session.get(User, recipient_id)
    if recipient is None:
        raise NotFound(f"user {recipient_id} does not exist")
    message_id, created_at = store_message(sender_id=actor.user_id, content=content,
                                           recipient_id=recipient.id)
    timestamp, to = isoformat_z(created_at), wire_user_id(recipient)
    broadcast.private_message(recipient.id, {
        "id": message_id, "from": wire_user_id(actor), "to": to, "sender": actor.username,
        "avatar": actor.avatar, "content": content, "timestamp": timestamp,
        **name_fields(actor)})
    sent = {"id": message_id, "to": to, "content": content, "timestamp": timestamp}
    broadcast.private_message_sent(actor.user_id, sent)
    return sent
