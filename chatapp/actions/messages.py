"""Sending messages: the one write path for community rooms, event chats and private messages."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import insert

from chatapp.actions.mentions import mentioned_users, replace_mentions
from chatapp.errors import EventEnded, Forbidden, Invalid, NotFound, TooLarge
from chatapp.extensions import db
from chatapp.models import Attachment, Message, User
from chatapp.models.event_status import CANCELLED, ENDED, chat_open, status_of
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.observability import metrics
from chatapp.queries.events import event_of_room
from chatapp.realtime import broadcast
from chatapp.security import authz, ratelimit
from chatapp.security.identity import Actor
from chatapp.serializers import (
    attachment_payload,
    event_message_payload,
    message_features,
    name_fields,
    reply_quote,
    room_message_payload,
    wire_user_id,
)
from chatapp.timeutil import isoformat_z, utcnow
from chatapp.validation import clean_text, require_int


@dataclass(frozen=True, slots=True)
class RoomRef:
    """What the write path needs to know of a room, so the hot path needs no query for it."""

    id: int
    kind: str


def check_message_text(text: object) -> str:
    return clean_text(text, "message", max_length=current_app.config["MAX_MESSAGE_LENGTH"])


def store_message(*, sender_id: int, content: str, room_id: int | None = None,
                  recipient_id: int | None = None, reply_to_id: int | None = None,
                  mentions: list[User] = (), attachments: list[Attachment] = ()):
    """Insert and commit one message (and its mentions); return its id and timestamp. One
    INSERT, one COMMIT when it mentions no one."""
    created_at = utcnow()
    result = db.session.execute(insert(Message).values(
        room_id=room_id, recipient_id=recipient_id, sender_id=sender_id, content=content,
        created_at=created_at, reply_to_id=reply_to_id))
    if mentions:
        replace_mentions(result.inserted_primary_key[0], list(mentions))
    for attachment in attachments:
        attachment.message_id = result.inserted_primary_key[0]
    db.session.commit()
    metrics.message_stored("private" if recipient_id is not None else "room")
    return result.inserted_primary_key[0], created_at


def check_chat_open(room: RoomRef) -> None:
    """An event's chat takes messages only while live (or before start, if the host allows)."""
    if room.kind != ROOM_KIND_EVENT:
        return
    event = event_of_room(room.id)
    if event is None:
        raise NotFound("this event no longer exists")
    if not chat_open(event):
        status = status_of(event)
        if status in (ENDED, CANCELLED):
            raise EventEnded(f"the event is {status}; its chat is closed")
        raise Forbidden("the chat opens when the event starts")


def check_may_post(actor: Actor, room_id: int, client_ip: str | None) -> None:
    """Not muted, within the message rate limits, and within slow mode (staff exempt). Uses
    the cached room policy, so the hot path makes no query for it."""
    slow_mode = authz.check_can_post(actor, room_id)
    ratelimit.check("RATE_LIMIT_MESSAGES", f"user:{actor.user_id}", guest=actor.is_guest)
    ratelimit.check("RATE_LIMIT_PER_IP", client_ip and f"ip:{client_ip}")
    if slow_mode:
        ratelimit.check_slow_mode(room_id, actor.user_id, authz.policy_of(room_id).slow_mode_seconds)


def check_reply_to(room_id: int, reply_to: object) -> Message | None:
    """The message a new one answers: an existing, undeleted message of the same room."""
    if reply_to is None:
        return None
    original_id = require_int({"replyTo": reply_to}, "replyTo")
    original = db.session.get(Message, original_id)
    if original is None or original.room_id != room_id or original.deleted_at is not None:
        raise NotFound(f"message {original_id} does not exist in this room",
                       fields={"replyTo": "no such message in this room"})
    return original


def check_attachments(actor: Actor, ids: object) -> list[Attachment]:
    """The files a new message carries: ids of the sender's own uploads that no message
    carries yet (``not_found`` otherwise), at most ``MAX_ATTACHMENTS``."""
    if ids is None:
        return []
    limit = current_app.config["MAX_ATTACHMENTS"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Invalid("attachments must be a list of upload ids",
                      fields={"attachments": "a list of upload ids"})
    if len(ids) > limit:
        raise TooLarge(f"a message carries at most {limit} files",
                       fields={"attachments": f"at most {limit}"})
    found = []
    for attachment_id in dict.fromkeys(ids):
        attachment = db.session.get(Attachment, attachment_id[:32])
        if attachment is None or attachment.uploader_id != actor.user_id \
                or attachment.message_id is not None or len(attachment_id) > 32:
            raise NotFound(f"upload {attachment_id!r} is not yours to send",
                           fields={"attachments": "unknown or already sent"})
        found.append(attachment)
    return found


def check_content(text: object, attachments: list[Attachment]) -> str:
    """The message text; it may be empty only when the message carries files."""
    if attachments and (text is None or (isinstance(text, str) and not text.strip())):
        return ""
    return check_message_text(text)


def do_send_message(actor: Actor, room: RoomRef, text: object, *,
                    client_ip: str | None = None, reply_to: object = None,
                    attachments: object = None) -> dict:
    """Store a message in a room (community room or event chat), then broadcast it to the room
    in that room's protocol: ``room:message:new`` or ``newMessage``, and ``mention`` to each
    user its ``@name``s name (who may read the room). ``reply_to``: the id of the message of
    the same room it answers (its quote goes with the message); ``attachments``: ids of the
    sender's uploads it carries (then the text may be empty). Returns what was sent."""
    files = check_attachments(actor, attachments)
    content = check_content(text, files)
    check_chat_open(room)
    check_may_post(actor, room.id, client_ip)
    original = check_reply_to(room.id, reply_to)
    mentioned = mentioned_users(actor.user_id, room.id, content)
    message_id, created_at = store_message(
        sender_id=actor.user_id, content=content, room_id=room.id,
        reply_to_id=original.id if original is not None else None, mentions=mentioned,
        attachments=files)
    features = message_features(
        content, reply_to=reply_quote(original) if original is not None else None,
        mentions=[wire_user_id(u) for u in mentioned],
        attachments=[attachment_payload(a) for a in files])
    if room.kind == ROOM_KIND_EVENT:
        payload = event_message_payload(message_id, actor, content, created_at, features)
        broadcast.event_message_new(room.id, payload)
        event_id = payload_event_id(room.id) if mentioned else None
    else:
        payload = room_message_payload(message_id, actor, content, created_at, features)
        broadcast.room_message_new(room.id, payload)
        event_id = None
    for user in mentioned:
        broadcast.mention(user.id, room.id, event_id, payload)
    return payload


def payload_event_id(room_id: int) -> str | None:
    event = event_of_room(room_id)
    return event.id if event is not None else None


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
    features = message_features(content)
    broadcast.private_message(recipient.id, {
        "id": message_id, "from": wire_user_id(actor), "to": to, "sender": actor.username,
        "avatar": actor.avatar, "content": content, "timestamp": timestamp,
        **name_fields(actor), **features})
    sent = {"id": message_id, "to": to, "content": content, "timestamp": timestamp,
            "html": features["html"]}
    broadcast.private_message_sent(actor.user_id, sent)
    return sent
