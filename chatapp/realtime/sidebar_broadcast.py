"""Emits for sidebars (our addition), built on :func:`chatapp.realtime.broadcast.send`.

A page's sidebar lists rooms, event chats and conversations the page has not joined. To keep
their unread badges live without sending whole messages to every sidebar, a socket may opt in
(``sidebar:watch``) to a room's *activity* channel, ``activity:<room id>``, separate from the
room's own channel: one small ``room:activity`` per new message goes there, never the message
itself. Only sockets that asked (and may read the room) are in it, so old clients never hear it.
"""
from __future__ import annotations

from chatapp.extensions import socketio
from chatapp.realtime import broadcast

ACTIVITY_PREFIX = "activity:"


def activity_channel(room_id: int) -> str:
    return f"{ACTIVITY_PREFIX}{room_id}"


def room_activity(room_id: int, event_id: str | None, message_id: int,
                  sender_wire_id: str) -> None:
    """``room:activity {roomId, eventId, messageId, userId}`` to the sockets watching the room
    (``eventId`` null for a community room; ``userId`` the author, so a sidebar does not count
    its viewer's own messages). Volatile: a watcher that was away resyncs its counts from the
    ``sidebar:watch`` acknowledgement instead (see :mod:`chatapp.realtime.recovery_log`)."""
    broadcast.send("room:activity", {"roomId": room_id, "eventId": event_id,
                                     "messageId": message_id, "userId": sender_wire_id},
                   to=activity_channel(room_id))


def watch(sid: str, room_ids: list[int]) -> None:
    """Put a socket of this process into the rooms' activity channels."""
    for room_id in room_ids:
        broadcast.subscribe(sid, activity_channel(room_id))


def watched_rooms(sid: str) -> set[int]:
    """The ids of the rooms a socket of this process watches."""
    rooms = socketio.server.manager.get_rooms(sid, broadcast.NAMESPACE) or ()
    return {int(room[len(ACTIVITY_PREFIX):]) for room in rooms
            if isinstance(room, str) and room.startswith(ACTIVITY_PREFIX)}


def watched_count(sid: str) -> int:
    return len(watched_rooms(sid))


def unwatch_all(sid: str) -> None:
    """Take a socket of this process out of every activity channel (it is someone else now)."""
    for room_id in watched_rooms(sid):
        broadcast.unsubscribe(sid, activity_channel(room_id))


def unwatch_anywhere(sids: list[str], room_id: int) -> None:
    """Take sockets held by any process out of one room's activity channel (its user may no
    longer read the room: banned, or removed from a private room)."""
    channel = activity_channel(room_id)
    for sid in sids:
        broadcast.leave_channel_anywhere(sid, channel)
