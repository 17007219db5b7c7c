"""The one place that emits. Each function knows an event's payload shape and its recipients.

Actions call these only after their transaction has committed. Recipients are Socket.IO rooms:
``room:<id>`` holds the sockets in a room (community room or event chat), ``user:<id>`` every
socket of one user (all tabs), and a socket id addresses one socket. With a message queue
configured the same calls reach sockets on every process.

Two kinds of user ids meet here: channels are named by database ids (``recipient_id``,
``user_id``: ints), while payloads carry wire ids (``*_wire_id``, strings made by
:func:`chatapp.serializers.wire_user_id`), which is what clients know users by.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from chatapp.extensions import socketio
from chatapp.observability import metrics
from chatapp.realtime import recovery_log

NAMESPACE = "/"


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def send(event: str, data: Any, *, to: str | list[str] | None = None,
         skip_sid: str | None = None) -> None:
    """Emit ``event`` to ``to`` (a channel or socket id, or a list of them: each socket in any
    of them gets it once; everyone when None).

    The one seam of connection state recovery and of the frame-once fan-out: unless the event
    is volatile (typing), it is logged (a list ``to`` as one row, one offset) and goes out
    with its offset as a trailing argument, the same for every recipient, so the manager
    encodes one packet and the engine builds one WebSocket frame for all of them (see
    :mod:`chatapp.realtime.recovery_log` and :mod:`chatapp.realtime.engine`)."""
    deferred = _at_commit.get()
    if deferred is not None:
        deferred.append((event, data, to, skip_sid))
        return
    metrics.emitted(event)
    recovery_log.send_logged(event, data, to, skip_sid, _emitter(event, to, skip_sid))


def _emitter(event: str, to: str | list[str] | None, skip_sid: str | None):
    return lambda args: socketio.emit(event, args, to=to, skip_sid=skip_sid, namespace=NAMESPACE)


# Sends made inside ``at_commit()`` blocks, per greenlet (each has its own context).
_at_commit: ContextVar[list | None] = ContextVar("chat_sends_at_commit", default=None)


@contextmanager
def at_commit() -> Iterator[None]:
    """Commit the session's transaction at the end of the block, then send what the block
    sent, in order. Their recovery-log rows are written in that same transaction where the
    log shares the session's database (SQLite), so an action and the events announcing it
    cost one commit, not one more per event. If the block raises, nothing is committed or
    sent (the caller rolls back)."""
    pending: list[tuple] = []
    token = _at_commit.set(pending)
    try:
        yield
    finally:
        _at_commit.reset(token)
    for event, *_ in pending:
        metrics.emitted(event)
    recovery_log.commit_and_send_logged(
        [(event, data, to, skip, _emitter(event, to, skip)) for event, data, to, skip in pending])


def subscribe(sid: str, channel: str) -> None:
    socketio.server.enter_room(sid, channel, namespace=NAMESPACE)


def unsubscribe(sid: str, channel: str) -> None:
    socketio.server.leave_room(sid, channel, namespace=NAMESPACE)


def channels_of(sid: str) -> list[str]:
    """The channels a socket of this process is in (its own sid among them)."""
    return socketio.server.rooms(sid, namespace=NAMESPACE)


# --- to one socket -----------------------------------------------------------------------

def rooms_list(sid: str, summaries: list[dict]) -> None:
    send("rooms:list", summaries, to=sid)


def session_info(sid: str, user: dict, token: str) -> None:
    """Our addition: tells a socket who the server decided it is and how to resume that."""
    send("user:session", {**user, "token": token}, to=sid)


def auth_error(sid: str, message: str) -> None:
    send("auth:error", {"message": message}, to=sid)


def refusal(sid: str, event: str, error: dict) -> None:
    send("error", {"event": event, **error}, to=sid)


def room_history(sid: str, room_id: int, messages: list[dict],
                 cursor: dict | None = None) -> None:
    """``cursor``: a catch-up page's ``{after, nextAfter, continues}`` (see actions.catch_up)."""
    send("room:history", {"roomId": room_id, "messages": messages, **(cursor or {})}, to=sid)


def room_joined(sid: str, room_id: int) -> None:
    send("room:joined", {"roomId": room_id}, to=sid)


# --- community rooms ---------------------------------------------------------------------

def room_user_joined(room_id: int, user: dict, timestamp: str, *, only_sid: str | None = None) -> None:
    """To the room, or only to the joining socket when the user was already there (another tab)."""
    payload = {"roomId": room_id, "user": user, "timestamp": timestamp}
    send("room:user:joined", payload, to=only_sid or room_channel(room_id))


def room_user_left(room_id: int, user_wire_id: str, timestamp: str) -> None:
    send("room:user:left", {"roomId": room_id, "userId": user_wire_id, "timestamp": timestamp},
         to=room_channel(room_id))


def rooms_update(room_id: int, users_count: int, *, private: bool = False) -> None:
    """To everyone; a private room's count only to those in it (its existence is private)."""
    send("rooms:update", {"id": room_id, "usersCount": users_count},
         to=room_channel(room_id) if private else None)


def rooms_new(summary: dict, *, only_user: int | None = None) -> None:
    """To everyone, or only to the creator's sockets (a private room)."""
    send("rooms:new", summary, to=user_channel(only_user) if only_user is not None else None)


def room_message_new(room_id: int, message: dict) -> None:
    send("room:message:new", {"roomId": room_id, "message": message}, to=room_channel(room_id))


def room_message_updated(room_id: int, message: dict) -> None:
    """Our addition: its author edited a message; the whole message, with ``editedAt``."""
    send("room:message:updated", {"roomId": room_id, "message": message},
         to=room_channel(room_id))


def room_message_reactions(room_id: int, message_id: int, reactions: list[dict]) -> None:
    """Our addition: a message's reactions after someone toggled one."""
    send("room:message:reactions", {"roomId": room_id, "messageId": message_id,
                                    "reactions": reactions}, to=room_channel(room_id))


def mention(user_id: int, room_id: int, event_id: str | None, message: dict) -> None:
    """Our addition: to every socket of a user a message named with ``@name``:
    ``{roomId, eventId, message}`` (``eventId`` null for a community room)."""
    send("mention", {"roomId": room_id, "eventId": event_id, "message": message},
         to=user_channel(user_id))


def room_read(user_id: int, room_id: int, event_id: str | None, last_read_id: int) -> None:
    """Our addition: to every socket of the reader, so unread badges clear on every tab and
    device: ``{roomId, eventId, lastReadId}``."""
    send("room:read", {"roomId": room_id, "eventId": event_id, "lastReadId": last_read_id},
         to=user_channel(user_id))


def room_typing(room_id: int, user: dict, is_typing: bool, *, skip_sid: str) -> None:
    payload = {"roomId": room_id, "userId": user["userId"], "username": user["username"],
               "isTyping": is_typing}
    send("user:typing", payload, to=room_channel(room_id), skip_sid=skip_sid)


# --- private messages and users ----------------------------------------------------------

def private_message(recipient_id: int, payload: dict) -> None:
    send("message:private", payload, to=user_channel(recipient_id))


def private_message_sent(sender_id: int, payload: dict) -> None:
    """To every tab of the sender, so their open conversations stay in step."""
    send("message:private:sent", payload, to=user_channel(sender_id))


def private_typing(recipient_id: int, sender_wire_id: str, is_typing: bool) -> None:
    send("user:typing:private", {"from": sender_wire_id, "isTyping": is_typing},
         to=user_channel(recipient_id))


def conversation_read(reader_id: int, peer_wire_id: str) -> None:
    """Our addition: to every tab of the reader, so unread badges clear everywhere."""
    send("conversation:read", {"userId": peer_wire_id}, to=user_channel(reader_id))


# Presence (``user:online``, ``user:offline``, ``user:status:update``) goes to the sockets
# that can see the user, not to everyone online (which made N logins cost N^2 frames):
# - ``presence:legacy``: every socket that has not said what it watches. Protocol A promised
#   ``user:offline`` and ``user:status:update`` to everyone, and its front end lists every
#   user, so these sockets keep hearing both for everyone. ``user:online`` is our addition,
#   which no old client waits for: they are not sent it, so a login costs no broadcast.
# - ``presence:watch`` (our addition) moves a socket out of ``presence:legacy`` and into
#   ``presence:all`` (a lobby showing who is online) or ``presence:user:<wireId>`` per user it
#   shows (a conversation, a room's people): it then hears all three events for those only.
PRESENCE_LEGACY = "presence:legacy"
PRESENCE_ALL = "presence:all"


def presence_channel(user_wire_id: str) -> str:
    return f"presence:user:{user_wire_id}"


def status_update(user_wire_id: str, status: str, *, skip_sid: str | None) -> None:
    send("user:status:update", {"userId": user_wire_id, "status": status},
         to=[PRESENCE_LEGACY, PRESENCE_ALL, presence_channel(user_wire_id)], skip_sid=skip_sid)


def user_online(user: dict, *, skip_sid: str | None) -> None:
    """Our addition: the counterpart of ``user:offline``, to the user's watchers only."""
    send("user:online", user, to=[PRESENCE_ALL, presence_channel(user["userId"])],
         skip_sid=skip_sid)


def user_offline(user_wire_id: str) -> None:
    send("user:offline", {"userId": user_wire_id},
         to=[PRESENCE_LEGACY, PRESENCE_ALL, presence_channel(user_wire_id)])


# --- live events (docs/protocol.md, "B. Live events") -----------------------------------

def event_history(sid: str, messages: list[dict], participants: list[str], event: dict,
                  cursor: dict | None = None) -> None:
    """``cursor``: a catch-up page's ``{after, nextAfter, continues}`` (see actions.catch_up)."""
    send("eventHistory", {"messages": messages, "participants": participants, "event": event,
                          **(cursor or {})}, to=sid)


def event_message_new(room_id: int, message: dict) -> None:
    send("newMessage", message, to=room_channel(room_id))


def event_typing(room_id: int, username: str, is_typing: bool, *, skip_sid: str) -> None:
    send("userTyping", {"username": username, "isTyping": is_typing}, to=room_channel(room_id),
         skip_sid=skip_sid)


def event_status(room_id: int, event_id: str, status: str) -> None:
    """Our addition: the event started, ended or was cancelled."""
    send("eventStatus", {"id": event_id, "status": status}, to=room_channel(room_id))


def events_update(summary: dict) -> None:
    """Our addition, for lobbies: an event's status or counts changed (or it was created)."""
    send("events:update", summary)


def disconnect_socket(sid: str) -> None:
    """Close a socket held by any process (with a message queue, its process does it)."""
    socketio.server.disconnect(sid, namespace=NAMESPACE)


def leave_channel_anywhere(sid: str, channel: str) -> None:
    """Take a socket held by any process out of a channel (a kick or a ban)."""
    socketio.server.leave_room(sid, channel, namespace=NAMESPACE)


def is_subscribed(sid: str, channel: str) -> bool:
    """Whether a socket of this process is in a channel. A kick or ban on any process takes
    the socket out (through the message queue), so this is the authority for "still in"."""
    # The manager's room table, read directly: its public rooms() walks every room of the
    # namespace, too slow for the message hot path.
    return sid in socketio.server.manager.rooms.get(NAMESPACE, {}).get(channel, ())
