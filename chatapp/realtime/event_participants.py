"""Who is in a live event, as its audience hears it.

Protocol B announces every arrival and departure to everyone in the event with the whole
participant list (``userJoined`` / ``userLeft``): N people joining cost N^2 frames of O(N)
bytes, which is what kept a large audience from joining at once (2,000 joins took minutes).
The old front end relies on those events, so a socket hears them unless its ``joinEvent``
asked for ``participantUpdates: "batched"`` (our pages do). A batched socket hears instead, at
most once per ``PARTICIPANT_FLUSH_SECONDS``, what changed since the last time:
``participantsChanged {eventId, joined, left, count}`` (a flush loop per process,
:mod:`chatapp.cluster.participant_flush`, sends it). The ``events:update`` that a join or a
leave causes is coalesced the same way for everyone: it is our addition, for lobbies, and a
count that moves once a second is all a lobby shows.

Channels: every socket in an event is in its room channel (messages, status, the batched
changes, which old clients ignore as an unknown event); a socket that hears each arrival is
also in :func:`each_arrival_channel`, named under ``presence:`` so that its recovery session
keeps it (:func:`chatapp.realtime.presence.presence_channels_of`).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from chatapp.realtime import broadcast
from chatapp.serializers import event_times

BATCHED = "batched"
EACH = "each"
PARTICIPANT_UPDATES = (EACH, BATCHED)


def each_arrival_channel(room_id: int) -> str:
    """The sockets of an event that hear ``userJoined`` / ``userLeft``, as old clients do."""
    return f"presence:event:{room_id}"


def listen(sid: str, room_id: int, updates: str) -> None:
    """Put a socket that just entered an event's room channel where it hears arrivals the way
    it asked (``EACH`` or ``BATCHED``)."""
    if updates == EACH:
        broadcast.subscribe(sid, each_arrival_channel(room_id))
    else:
        broadcast.unsubscribe(sid, each_arrival_channel(room_id))


def channels_of_room(room_id: int, *, is_event: bool) -> tuple[str, ...]:
    """Every channel a socket in this room may be in (an event has two), to take it out of
    all of them."""
    if is_event:
        return broadcast.room_channel(room_id), each_arrival_channel(room_id)
    return (broadcast.room_channel(room_id),)


def user_joined(room_id: int, username: str, participants: list[str], moment: datetime,
                *, only_sid: str | None = None) -> None:
    """``userJoined {user, participants, timestamp, isoTimestamp}`` to the sockets that hear
    each arrival (see :func:`chatapp.serializers.event_times`), and the arrival counted for
    the next batched change. ``only_sid``: the user was already there in another tab, so only
    this socket hears it (it changes nobody's list)."""
    payload = {"user": username, "participants": participants, **event_times(moment)}
    if only_sid is not None:
        broadcast.send("userJoined", payload, to=only_sid)
        return
    broadcast.send("userJoined", payload, to=each_arrival_channel(room_id))
    _note(room_id, joined=username)


def user_left(room_id: int, username: str, participants: list[str], moment: datetime) -> None:
    broadcast.send("userLeft", {"user": username, "participants": participants,
                                **event_times(moment)}, to=each_arrival_channel(room_id))
    _note(room_id, left=username)


def counts_changed(room_id: int) -> None:
    """The event's viewer figures moved: its ``events:update`` goes out at the next flush."""
    _note(room_id)


def participants_changed(room_id: int, event_id: str, changes: "Changes", count: int) -> None:
    broadcast.send("participantsChanged", {
        "eventId": event_id, "joined": sorted(changes.joined), "left": sorted(changes.left),
        "count": count}, to=broadcast.room_channel(room_id))


# --- what changed since the last flush, in this process --------------------------------

@dataclass
class Changes:
    """Net arrivals and departures: a name that came and went in one window (a reload, a
    tab switched) is in neither."""
    joined: set[str] = field(default_factory=set)
    left: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.joined or self.left)


_lock = threading.Lock()
_pending: dict[int, Changes] = {}


def _note(room_id: int, *, joined: str | None = None, left: str | None = None) -> None:
    with _lock:
        changes = _pending.setdefault(room_id, Changes())
        if joined is not None:
            if joined in changes.left:
                changes.left.discard(joined)  # was there before the window: no change
            else:
                changes.joined.add(joined)
        if left is not None:
            if left in changes.joined:
                changes.joined.discard(left)  # came and went inside the window
            else:
                changes.left.add(left)


def take() -> dict[int, Changes]:
    """Everything noted since the last call, by event room id (then forgotten)."""
    global _pending
    with _lock:
        taken, _pending = _pending, {}
    return taken
