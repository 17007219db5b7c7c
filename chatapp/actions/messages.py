"""Sending messages: the one write path for community rooms, event chats and private messages."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from chatapp.actions.event_held import do_hold_message, is_held_for
from chatapp.actions.mentions import mentioned_users, replace_mentions
from chatapp.actions.message_parts import (
    check_attachments,
    check_content,
    check_message_text,
    check_reply_to,
)
from chatapp.actions.resends import (
    AlreadySent,
    private_message_sent,
    room_message_sent,
    sent_before,
)
from chatapp.errors import EventEnded, Forbidden, NotFound
from chatapp.extensions import db
from chatapp.models import Attachment, Event, Message, User
from chatapp.models.event_status import CANCELLED, ENDED, chat_open, status_of
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.observability import metrics
from chatapp.queries.events import event_of_room
from chatapp.queries.messages import message_by_client_id
from chatapp.realtime import broadcast, sidebar_broadcast
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
from chatapp.validation import optional_client_message_id


@dataclass(frozen=True, slots=True)
class RoomRef:
    """What the write path needs to know of a room, so the hot path needs no query for it."""

    id: int
    kind: str


# Built once, run through Core: building an ORM insert per message and running it through the
# ORM's bulk-insert path cost more than the insert itself (py-spy, closed-loop fan-out: a fifth
# of the server's time; 594 -> 222 us per message with its commit, in process).
_INSERT_MESSAGE = insert(Message.__table__)


def store_message(*, sender_id: int, content: str, room_id: int | None = None,
                  recipient_id: int | None = None, client_message_id: str | None = None,
                  reply_to_id: int | None = None, mentions: list[User] = (),
                  attachments: list[Attachment] = (), commit: bool = True):
    """Insert one message (and its mentions) and commit, unless ``commit`` is False (the
    caller commits it with what announces it, :func:`broadcast.at_commit`); return its id and
    timestamp. Raises :class:`AlreadySent` if the sender already stored ``client_message_id``
    (the unique index refuses the INSERT itself, so also when the caller commits)."""
    created_at = utcnow()
    try:
        result = db.session.connection().execute(_INSERT_MESSAGE, {
            "room_id": room_id, "recipient_id": recipient_id, "sender_id": sender_id,
            "content": content, "created_at": created_at,
            "client_message_id": client_message_id, "reply_to_id": reply_to_id})
        if mentions:
            replace_mentions(result.inserted_primary_key[0], list(mentions))
        for attachment in attachments:
            attachment.message_id = result.inserted_primary_key[0]
        if commit:
            db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if client_message_id is None or message_by_client_id(sender_id, client_message_id) is None:
            raise  # not the race this index exists for
        raise AlreadySent() from None
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
                    client_ip: str | None = None, client_message_id: object = None,
                    reply_to: object = None, attachments: object = None) -> dict:
    """Store a message in a room (community room or event chat), then broadcast it to the room
    in that room's protocol: ``room:message:new`` or ``newMessage``, ``room:activity`` to the
    sidebars watching the room, and ``mention`` to each user its ``@name``s name (who may read
    the room). ``reply_to``: the id of the message of
    the same room it answers (its quote goes with the message); ``attachments``: ids of the
    sender's uploads it carries (then the text may be empty). Returns what was sent.

    Idempotent per ``client_message_id``: a retry of a message this sender already stored
    under that id returns the stored message and stores and broadcasts nothing (not even
    counted against rate limits), even if the first send is still being committed.

    In a moderated event's chat a non-staff message is held for review instead (see
    :mod:`chatapp.actions.event_held`): what is returned then carries ``held: true``."""
    client_id = optional_client_message_id(client_message_id)
    files = check_attachments(actor, attachments)
    content = check_content(text, files)
    earlier = sent_before(actor, client_id, room_id=room.id)
    if earlier is not None:
        return room_message_sent(room.kind, earlier)
    event = check_chat_open(room)
    check_may_post(actor, room.id, client_ip)
    original = check_reply_to(room.id, reply_to)
    if event is not None and is_held_for(actor, event, room.id):
        return do_hold_message(actor, event, content)
    mentioned = mentioned_users(actor.user_id, room.id, content)
    event_id = event.id if event is not None else None  # read before the commit expires it
    # The message and the recovery-log rows of what announces it commit together (SQLite:
    # one commit, not one for the message and one more for its announcement).
    with broadcast.at_commit():
        try:
            message_id, created_at = store_message(
                sender_id=actor.user_id, content=content, room_id=room.id,
                client_message_id=client_id,
                reply_to_id=original.id if original is not None else None, mentions=mentioned,
                attachments=files, commit=False)
        except AlreadySent:
            return room_message_sent(room.kind, sent_before(actor, client_id, room_id=room.id))
        features = message_features(
            content, reply_to=reply_quote(original) if original is not None else None,
            mentions=[wire_user_id(u) for u in mentioned],
            attachments=[attachment_payload(a) for a in files])
        if room.kind == ROOM_KIND_EVENT:
            payload = event_message_payload(message_id, actor, content, created_at, features)
            broadcast.event_message_new(room.id, payload)
        else:
            payload = room_message_payload(message_id, actor, content, created_at, features)
            broadcast.room_message_new(room.id, payload)
        sidebar_broadcast.room_activity(room.id, event_id, message_id, wire_user_id(actor))
        for user in mentioned:
            broadcast.mention(user.id, room.id, event_id, payload)
    return payload




def do_send_private_message(actor: Actor, recipient_id: int, text: object, *,
                            client_ip: str | None = None,
                            client_message_id: object = None) -> dict:
    """Store a private message, then ``message:private`` to every socket of the recipient and
    ``message:private:sent`` to every socket of the sender. An offline recipient reads it later
    from the conversation history. Idempotent per ``client_message_id``, as
    :func:`do_send_message` is."""
    client_id = optional_client_message_id(client_message_id)
    content = check_message_text(text)
    earlier = sent_before(actor, client_id, recipient_id=recipient_id)
    if earlier is not None:
        return private_message_sent(earlier)
    ratelimit.check("RATE_LIMIT_MESSAGES", f"user:{actor.user_id}", guest=actor.is_guest)
    ratelimit.check("RATE_LIMIT_PER_IP", client_ip and f"ip:{client_ip}")
    recipient = db.session.get(User, recipient_id)
    if recipient is None:
        raise NotFound(f"user {recipient_id} does not exist")
    try:
        message_id, created_at = store_message(sender_id=actor.user_id, content=content,
                                               recipient_id=recipient.id,
                                               client_message_id=client_id)
    except AlreadySent:
        return private_message_sent(sent_before(actor, client_id, recipient_id=recipient_id))
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
