"""Stored messages as clients see them, with their features loaded in bulk.

A page of N messages costs four extra queries whatever N (reactions, the quoted originals,
mentions, attachments), never one per message. Every history path (``room:join``, ``joinEvent``, REST
pages, conversations) goes through here, so a message looks the same everywhere.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import select

from chatapp.extensions import db
from chatapp.models import Attachment, Message, MessageMention, MessageReaction, User
from chatapp.serializers import (
    attachment_payload,
    message_features,
    message_payload,
    private_message_payload,
    reply_quote,
    stored_event_message_payload,
    wire_user_id,
)


def reactions_of(message_ids: Iterable[int]) -> dict[int, list[dict]]:
    """``{message_id: [{emoji, count, userIds}]}``, emoji in the order first used, user ids in
    the order they reacted."""
    ids = list(message_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(MessageReaction.message_id, MessageReaction.emoji, User)
        .join(User, User.id == MessageReaction.user_id)
        .where(MessageReaction.message_id.in_(ids))
        .order_by(MessageReaction.message_id, MessageReaction.created_at,
                  MessageReaction.user_id)).all()
    grouped: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for message_id, emoji, user in rows:
        grouped[message_id].setdefault(emoji, []).append(wire_user_id(user))
    return {message_id: [{"emoji": emoji, "count": len(users), "userIds": users}
                         for emoji, users in by_emoji.items()]
            for message_id, by_emoji in grouped.items()}


def mentions_of(message_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(message_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(MessageMention.message_id, User).join(User, User.id == MessageMention.user_id)
        .where(MessageMention.message_id.in_(ids)).order_by(User.id)).all()
    found: dict[int, list[str]] = defaultdict(list)
    for message_id, user in rows:
        found[message_id].append(wire_user_id(user))
    return found


def attachments_of(message_ids: Iterable[int]) -> dict[int, list[dict]]:
    ids = list(message_ids)
    if not ids:
        return {}
    found: dict[int, list[dict]] = defaultdict(list)
    for attachment in db.session.scalars(select(Attachment).where(
            Attachment.message_id.in_(ids)).order_by(Attachment.created_at, Attachment.id)):
        found[attachment.message_id].append(attachment_payload(attachment))
    return found


def quotes_of(reply_ids: Iterable[int | None]) -> dict[int, dict]:
    ids = {i for i in reply_ids if i is not None}
    if not ids:
        return {}
    return {m.id: reply_quote(m) for m in db.session.scalars(
        select(Message).where(Message.id.in_(ids)))}


def features_of(messages: Sequence[Message]) -> dict[int, dict]:
    """Each message's :func:`message_features`, by id."""
    ids = [m.id for m in messages]
    reactions, mentions, files = reactions_of(ids), mentions_of(ids), attachments_of(ids)
    quotes = quotes_of(m.reply_to_id for m in messages)
    return {m.id: message_features(m.content, edited_at=m.edited_at,
                                   reactions=reactions.get(m.id), mentions=mentions.get(m.id),
                                   reply_to=quotes.get(m.reply_to_id),
                                   attachments=files.get(m.id))
            for m in messages}


def room_message_views(messages: Sequence[Message]) -> list[dict]:
    features = features_of(messages)
    return [message_payload(m, features[m.id]) for m in messages]


def private_message_views(messages: Sequence[Message]) -> list[dict]:
    features = features_of(messages)
    return [private_message_payload(m, features[m.id]) for m in messages]


def event_message_views(messages: Sequence[Message]) -> list[dict]:
    features = features_of(messages)
    return [stored_event_message_payload(m, features[m.id]) for m in messages]


def room_message_view(message: Message) -> dict:
    return room_message_views([message])[0]
