"""Handlers for the live-event protocol (docs/protocol.md, "B. Live events")."""
from __future__ import annotations

from flask import request

from chatapp.actions.catch_up import check_after
from chatapp.actions.event_fields import check_event_id
from chatapp.actions.events import (
    check_joinable,
    do_event_typing,
    do_join_event,
    do_leave_event,
)
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.sessions import check_guest_name, do_login
from chatapp.errors import AuthFailed, Invalid, NotMember
from chatapp.models.event_status import LIVE
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries import events as event_queries
from chatapp.realtime import broadcast, event_participants
from chatapp.realtime.dispatch import ok
from chatapp.realtime.socket_state import SocketState, state_of
from chatapp.security.client_address import client_ip
from chatapp.serializers import event_summary
from chatapp.validation import require_bool, require_object

LIVE_EVENT_EVENTS = {
    "joinEvent": "on_join_event",
    "sendMessage": "on_send_message",
    "leaveEvent": "on_leave_event",
    "typing": "on_typing",
    "getActiveEvents": "on_get_active_events",
}


def renamed(state: SocketState, username: object) -> bool:
    """Whether a socket that joinEvent made a guest by name alone now asks for another name
    (an identity from user:login, a token or a session is never renamed by a bare name)."""
    if state.guest_name_asked is None or not isinstance(username, str):
        return False
    # The name it asked for, or the one it got (``ana-2`` when ``ana`` was taken), is the same.
    return username.strip() not in (state.guest_name_asked.strip(), state.actor.username)


def check_participant_updates(value: object) -> str:
    """How a socket hears arrivals (see :mod:`chatapp.realtime.event_participants`): each one
    (the old protocol, the default) or ``batched``."""
    if value is None:
        return event_participants.EACH
    if value not in event_participants.PARTICIPANT_UPDATES:
        raise Invalid('participantUpdates must be "each" or "batched"',
                      fields={"participantUpdates": "unknown mode"})
    return value


def in_event(state: SocketState) -> RoomRef:
    if state.event is not None and not broadcast.is_subscribed(
            request.sid, broadcast.room_channel(state.event.id)):
        state.event = None  # kicked or banned, possibly by another process
    if state.actor is None or state.event is None:
        raise NotMember("join an event first (joinEvent)")
    return state.event


class LiveEventHandlers:
    def on_join_event(self, data=None, *_):
        data = require_object(data)
        event_id = check_event_id(data.get("eventId"))
        after = check_after(data.get("after"))  # catch up from a message id (ours)
        updates = check_participant_updates(data.get("participantUpdates"))  # ours
        check_joinable(event_id)
        state = state_of(request.sid)
        if state.actor is None or renamed(state, data.get("username")):
            # The username names a guest, as user:login does; a guest by name who asks for
            # another name (the old client's log-out-and-in on the same socket) becomes a new
            # guest under it: the old name leaves wherever it was.
            wanted = check_guest_name(data.get("username"))
            try:
                result = do_login(request.sid, username=wanted, avatar=data.get("avatar"),
                                  client_ip=client_ip(), list_rooms=False,
                                  anonymous_socket=state.actor is None)
            except AuthFailed as error:  # guests not allowed: the old event, as for user:login
                broadcast.auth_error(request.sid, error.message)
                raise
            if state.actor is not None and state.actor.user_id != result.actor.user_id:
                state.rooms.clear()  # the old identity left them
                state.event = None
            state.actor, state.guest_name_asked = result.actor, wanted
            # A live-event client: the old live-event server never told it who went offline
            # (protocol A's user:offline / user:status:update, sent to every community
            # client). Without this, each of an audience of N leaving cost N frames.
            broadcast.unsubscribe(request.sid, broadcast.PRESENCE_LEGACY)
        leaving = state.event.id if state.event is not None else None
        event = do_join_event(request.sid, state.actor, event_id, leaving_room_id=leaving,
                              after=after, updates=updates)
        state.event = RoomRef(event.room_id, ROOM_KIND_EVENT)
        return ok(eventId=event.id, user=state.actor.username)

    def on_send_message(self, text=None, *_):
        """The old clients send the bare text; ours may send ``{text, clientMessageId}``."""
        state = state_of(request.sid)
        client_message_id = None
        if isinstance(text, dict):
            text, client_message_id = text.get("text"), text.get("clientMessageId")
        return ok(message=do_send_message(state.actor, in_event(state), text,
                                          client_ip=client_ip(),
                                          client_message_id=client_message_id))

    def on_leave_event(self, *_):
        state = state_of(request.sid)
        do_leave_event(request.sid, state.actor, in_event(state).id)
        state.event = None
        return ok()

    def on_typing(self, is_typing=None, *_):
        state = state_of(request.sid)
        room = in_event(state)
        do_event_typing(request.sid, state.actor, room.id, require_bool(is_typing, "isTyping"))
        return ok()

    def on_get_active_events(self, *_):
        """The acknowledgement is the bare list, as the old server's callback received it."""
        return [event_summary(event, people, messages) for event, people, messages in
                event_queries.events_with_counts([LIVE], hide_empty_ad_hoc=True)]
