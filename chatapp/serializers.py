"""Wire shapes, shared by REST and sockets so a message looks the same everywhere."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app

from chatapp.formatting import plain_text, render_markdown
from chatapp.models.event_status import status_of
from chatapp.timeutil import clock_time, isoformat_z

if TYPE_CHECKING:
    from chatapp.models import Attachment, Event, Message, Room, User
    from chatapp.security.identity import Actor


def room_message_payload(message_id: int, author: "Actor | User", content: str,
                         created_at: datetime, extras: dict | None = None) -> dict:
    """A community-room message: ``{id, sender, userId, avatar, content, timestamp}`` plus
    the author's names and the message features (see :func:`message_features`)."""
    return {
        "id": message_id,
        "sender": author.username,
        "userId": wire_user_id(author),
        "avatar": author.avatar,
        "content": content,
        "timestamp": isoformat_z(created_at),
        **name_fields(author),
        **(extras if extras is not None else message_features(content)),
    }


def message_features(content: str, *, edited_at: datetime | None = None,
                     reactions: list[dict] | None = None, reply_to: dict | None = None,
                     mentions: list[str] | None = None,
                     attachments: list[dict] | None = None) -> dict:
    """Our additions to every message shape (room, private, event), the same live and in
    history: ``html`` (the content's safe Markdown rendering; ``content`` stays as written),
    ``editedAt`` (null until its author edits it), ``reactions`` (``[{emoji, count,
    userIds}]``), ``replyTo`` (a quote of the message it answers, or null) and ``mentions``
    (the wire ids of the users its ``@name``s named) and ``attachments`` (the files it
    carries, see :func:`attachment_payload`)."""
    return {
        "html": render_markdown(content),
        "editedAt": isoformat_z(edited_at) if edited_at is not None else None,
        "reactions": reactions or [],
        "replyTo": reply_to,
        "mentions": mentions or [],
        "attachments": attachments or [],
    }


def attachment_payload(attachment: "Attachment") -> dict:
    """An uploaded file: ``{id, filename, contentType, size, width, height, url,
    thumbnailUrl}`` (dimensions and thumbnail for pictures only, else null)."""
    url = f"/api/uploads/{attachment.id}"
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "contentType": attachment.content_type,
        "size": attachment.size,
        "width": attachment.width,
        "height": attachment.height,
        "url": url,
        "thumbnailUrl": f"{url}/thumbnail" if attachment.has_thumbnail else None,
    }


REPLY_EXCERPT_LENGTH = 120


def reply_quote(original: "Message") -> dict:
    """The small quote a reply carries of the message it answers: ``{id, userId, sender,
    excerpt, deleted}`` (a deleted original keeps its id, nothing of its words). The excerpt is
    the original as it reads, in plain text: its Markdown markup (``**Dune**``) taken out."""
    if original.deleted_at is not None:
        return {"id": original.id, "userId": None, "sender": None, "excerpt": "",
                "deleted": True}
    text = plain_text(original.content)
    if len(text) > REPLY_EXCERPT_LENGTH:
        text = text[:REPLY_EXCERPT_LENGTH - 1] + "…"
    return {"id": original.id, "userId": wire_user_id(original.sender),
            "sender": original.sender.username, "excerpt": text, "deleted": False}


def wire_user_id(user: "Actor | User") -> str:
    """The id clients know a user by, always a string (the old servers' ids were strings and
    their clients compare them with ``===``). Every user id that goes out is written through
    here, so the id scheme lives in one place.

    A user of the host app (``external_id``: an id the app gave them, e.g. 24 hex digits) goes
    by that id; anyone else by their own database id in decimal. External ids are never all
    digits (see :func:`chatapp.validation.check_external_id`), so the two can never be mixed
    up; :func:`chatapp.queries.users.user_by_wire_id` reads them back."""
    external = getattr(user, "external_id", None)
    if external:
        return external
    return str(user.user_id if hasattr(user, "user_id") else user.id)


def name_fields(user: "Actor | User") -> dict:
    """Our addition to every shape naming a user: how pages show them, the same live as
    after a reload (``displayName`` is null when the user has none; guests are marked)."""
    return {"displayName": user.display_name, "isGuest": user.is_guest}


def message_payload(message: "Message", extras: dict | None = None) -> dict:
    """A stored room message in the community shape (history, REST). ``extras``: its
    :func:`message_features`, loaded in bulk by :mod:`chatapp.queries.message_views`."""
    return room_message_payload(message.id, message.sender, message.content, message.created_at,
                                extras)


def private_message_payload(message: "Message", extras: dict | None = None) -> dict:
    """A stored private message, for conversation history (REST and socket)."""
    return {
        "id": message.id,
        "from": wire_user_id(message.sender),
        "to": wire_user_id(message.recipient),
        "sender": message.sender.username,
        "avatar": message.sender.avatar,
        "content": message.content,
        "timestamp": isoformat_z(message.created_at),
        **name_fields(message.sender),
        **(extras if extras is not None else message_features(message.content)),
    }


def room_summary(room: "Room", users_count: int) -> dict:
    """``rooms:list`` entry: ``{id, name, category, usersCount}`` plus the description."""
    return {
        "id": room.id,
        "name": room.name,
        "description": room.description,
        "category": room.category,
        "usersCount": users_count,
        "isPrivate": room.is_private,
    }


def user_payload(user: "Actor | User") -> dict:
    return {"userId": wire_user_id(user), "username": user.username, "avatar": user.avatar,
            **name_fields(user)}


def event_times(moment: datetime) -> dict:
    """The times of the live-event protocol: ``timestamp`` as the old server sent it, a display
    string (``3:07 pm``, in ``EVENT_TIME_ZONE``) that clients print as is, and our addition
    ``isoTimestamp``, the exact moment (ISO 8601 UTC)."""
    return {"timestamp": clock_time(moment, current_app.config["EVENT_TIME_ZONE"]),
            "isoTimestamp": isoformat_z(moment)}


def event_message_payload(message_id: int, author: "Actor | User", content: str,
                          created_at: datetime, extras: dict | None = None) -> dict:
    """A live-event message: ``{id, text, username, timestamp}`` as the old server sent it
    (the id a string, the timestamp a display time, see :func:`event_times`), plus the
    author's userId, avatar and names."""
    return {"id": str(message_id), "text": content, "username": author.username,
            "userId": wire_user_id(author), **event_times(created_at), "avatar": author.avatar,
            **name_fields(author),
            **(extras if extras is not None else message_features(content))}


def stored_event_message_payload(message: "Message", extras: dict | None = None) -> dict:
    return event_message_payload(message.id, message.sender, message.content, message.created_at,
                                 extras)


def event_summary(event: "Event", participant_count: int, message_count: int) -> dict:
    """An event in lists (REST, lobby): the old ``{id, participantCount, messageCount}`` and more."""
    return {
        "id": event.id,
        "name": event.name,
        "description": event.description,
        "status": status_of(event),
        "startsAt": isoformat_z(event.starts_at),
        "endsAt": isoformat_z(event.ends_at),
        "host": user_payload(event.host) if event.host is not None else None,
        "chatBeforeStart": event.chat_before_start,
        "moderatedChat": bool(event.moderated_chat),
        "adHoc": event.ad_hoc,
        "participantCount": participant_count,
        "messageCount": message_count,
        "createdAt": isoformat_z(event.created_at),
        # Our addition: people watching now (= participantCount), the most at once, and how
        # many different people ever watched.
        "viewers": participant_count,
        "peakViewers": max(event.peak_viewers or 0, participant_count),
        "uniqueViewers": event.unique_viewers or 0,
    }


def profile_payload(user: "User") -> dict:
    """A user as they see themselves (REST ``/api/users/me``, the token answer)."""
    return {
        "userId": wire_user_id(user),
        "username": user.username,
        "displayName": user.display_name,
        "avatar": user.avatar,
        "status": user.status,
        "isGuest": user.is_guest,
        "isAdmin": user.is_admin,
    }


def question_payload(question, *, staff: bool = False) -> dict:
    """An audience question. ``author`` is null when it was asked anonymously; staff views
    (``staff=True``: the host's and moderators' own REST reads) always name the asker in
    ``askedBy``, since anonymity is towards the audience, never towards the host's record."""
    author = user_payload(question.author)
    payload = {
        "id": question.id,
        "eventId": question.event_id,
        "text": question.text,
        "anonymous": question.anonymous,
        "author": None if question.anonymous else author,
        "status": question.status,
        "pinned": question.pinned,
        "votes": question.votes,
        "timestamp": isoformat_z(question.created_at),
        "answeredAt": isoformat_z(question.answered_at),
    }
    if staff:
        payload["askedBy"] = author
    return payload


def poll_payload(poll, counts: list[int], voters: int) -> dict:
    """A poll with its results so far: ``options`` = ``[{index, text, votes}]``, ``voters`` =
    how many people voted (a multiple-choice ballot counts once here, once per option there)."""
    return {
        "id": poll.id,
        "eventId": poll.event_id,
        "question": poll.question,
        "multiple": poll.multiple,
        "options": [{"index": i, "text": text, "votes": counts[i]}
                    for i, text in enumerate(poll.options)],
        "voters": voters,
        "closed": poll.closed_at is not None,
        "closedAt": isoformat_z(poll.closed_at),
        "timestamp": isoformat_z(poll.created_at),
    }
