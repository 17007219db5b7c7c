"""``presence:watch`` (our addition): a socket says whose presence it shows, so that a login
or a departure is announced to the people who can see that user, not to everyone online.

See the channels in :mod:`chatapp.realtime.broadcast` ("Presence"). Nothing is stored: a
watch lasts as long as the socket, and a reconnecting page sends it again.
"""
from __future__ import annotations

from flask import request

from chatapp.errors import Invalid
from chatapp.realtime import broadcast, event_participants
from chatapp.realtime.dispatch import ok
from chatapp.realtime.socket_state import state_of
from chatapp.validation import require_bool, require_object, require_user_ref

PRESENCE_EVENTS = {"presence:watch": "on_presence_watch"}

# Per socket: enough for any page (a room's people list), small enough to bound the channel
# table a hostile client can grow.
WATCH_MAX = 1000
USER_PREFIX = broadcast.presence_channel("")
EVENT_PREFIX = event_participants.each_arrival_channel("")  # type: ignore[arg-type]


def subscribe_legacy(sid: str) -> None:
    """Every new socket hears presence as protocol A promised it (to everyone) until it
    sends ``presence:watch``."""
    broadcast.subscribe(sid, broadcast.PRESENCE_LEGACY)


def presence_channels_of(sid: str) -> list[str]:
    """The presence channels socket ``sid`` (of this process) listens to, to be snapshotted
    with its recovery session."""
    return [name for name in broadcast.channels_of(sid) if name.startswith("presence:")]


def restore_presence(sid: str, channels: list[str] | None,
                     event_room_ids: list[int] = ()) -> list[str]:
    """Put a resumed socket back in the presence channels it listened to (``None``: unknown,
    it starts as a new socket does, hearing each arrival in its events) and return them, for
    the replay to match. An event's arrival channel comes back only with the event itself
    (``event_room_ids``: the events it resumed in, a ban meanwhile having removed one)."""
    if channels is None:
        channels = [broadcast.PRESENCE_LEGACY] + [
            event_participants.each_arrival_channel(room_id) for room_id in event_room_ids]
    allowed_events = {event_participants.each_arrival_channel(room_id)
                      for room_id in event_room_ids}
    channels = [name for name in channels if name.startswith("presence:") and (
        not name.startswith(EVENT_PREFIX) or name in allowed_events)][:WATCH_MAX + 3]
    state = state_of(sid)
    for name in channels:
        broadcast.subscribe(sid, name)
        if name == broadcast.PRESENCE_ALL:
            state.watches_everyone = True
        elif name.startswith(USER_PREFIX):
            state.watched = state.watched | {name[len(USER_PREFIX):]}
    return channels


class PresenceHandlers:
    def on_presence_watch(self, data=None, *_):
        """``{everyone: true}`` or ``{userIds: [...]}`` (added to what the socket already
        watches). Acknowledges ``{everyone, watching}`` (how many users are watched)."""
        data = require_object(data)
        everyone = require_bool(data.get("everyone", False), "everyone")
        ids = data.get("userIds", [])
        if not isinstance(ids, list):
            raise Invalid("userIds must be a list of user ids", fields={"userIds": "must be a list"})
        wire_ids = {require_user_ref({"userId": value}, "userId") for value in ids}
        state = state_of(request.sid)
        new = wire_ids - state.watched
        if len(state.watched) + len(new) > WATCH_MAX:
            raise Invalid(f"a socket may watch at most {WATCH_MAX} users",
                          fields={"userIds": "too many"})
        broadcast.unsubscribe(request.sid, broadcast.PRESENCE_LEGACY)
        if everyone:
            broadcast.subscribe(request.sid, broadcast.PRESENCE_ALL)
            state.watches_everyone = True
        for wire_id in new:
            broadcast.subscribe(request.sid, broadcast.presence_channel(wire_id))
        state.watched = state.watched | new
        return ok(everyone=state.watches_everyone, watching=len(state.watched))
