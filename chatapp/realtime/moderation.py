"""Handlers for moderation, in both protocols (our addition).

Community clients name the room (``roomId``), live-event clients the event (``eventId``); the
moderator need not be in it. The target is ``userId``; in an event's chat ``username`` (of
someone in it) also works, since live-event clients know each other by name. Each handler
parses, resolves the room, calls one action (which announces the outcome, see
:mod:`chatapp.actions.moderation` and :mod:`chatapp.actions.membership`) and acknowledges.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

from chatapp.actions.event_fields import check_event_id
from chatapp.actions.event_lifecycle import check_event
from chatapp.actions.membership import (
    do_invite_member,
    do_remove_member,
    do_set_moderator,
)
from chatapp.actions.moderation import (
    do_ban,
    do_delete_message,
    do_kick,
    do_mute,
    do_set_slow_mode,
    do_unban,
    do_unmute,
)
from chatapp.actions.rooms import check_community_room
from chatapp.errors import NotFound, NotLoggedIn
from chatapp.models import Room
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries.moderation import user_in_room_named
from chatapp.queries.users import user_for_ref, wire_id_of
from chatapp.realtime.dispatch import ok
from chatapp.realtime.socket_state import state_of
from chatapp.security.identity import Actor
from chatapp.timeutil import isoformat_z
from chatapp.validation import require_bool, require_int, require_object

MODERATION_EVENTS = {
    "room:message:delete": "on_room_message_delete",
    "room:mute": "on_room_mute",
    "room:unmute": "on_room_unmute",
    "room:kick": "on_room_kick",
    "room:ban": "on_room_ban",
    "room:unban": "on_room_unban",
    "room:slowmode": "on_room_slowmode",
    "room:moderator": "on_room_moderator",
    "room:invite": "on_room_invite",
    "room:member:remove": "on_room_member_remove",
    "deleteMessage": "on_delete_message",
    "muteUser": "on_mute_user",
    "unmuteUser": "on_unmute_user",
    "kickUser": "on_kick_user",
    "banUser": "on_ban_user",
    "unbanUser": "on_unban_user",
    "setSlowMode": "on_set_slow_mode",
    "setModerator": "on_set_moderator",
}


@dataclass(frozen=True)
class Target:
    """Who asks, about which room, with what; ``scope`` echoes roomId or eventId in acks."""

    actor: Actor
    room: Room
    data: dict
    scope: dict


def acting_user() -> Actor:
    actor = state_of(request.sid).actor
    if actor is None:
        raise NotLoggedIn("log in first (user:login or joinEvent)")
    return actor


def in_room(data: object) -> Target:
    actor = acting_user()
    data = require_object(data)
    room = check_community_room(require_int(data, "roomId"), actor)
    return Target(actor, room, data, {"roomId": room.id})


def in_event(data: object) -> Target:
    actor = acting_user()
    data = require_object(data)
    event = check_event(check_event_id(data.get("eventId")))
    return Target(actor, event.room, data, {"eventId": event.id})


def target_user(t: Target) -> int:
    """The database id of ``userId`` (a wire id), or in an event's chat of the ``username``
    of someone in it."""
    name = t.data.get("username")
    if t.data.get("userId") is None and t.room.kind == ROOM_KIND_EVENT and isinstance(name, str):
        user_id = user_in_room_named(t.room.id, name.strip())
        if user_id is None:
            raise NotFound(f"nobody called {name!r} is in this event")
        return user_id
    return user_for_ref(t.data, "userId").id


# --- one body per action, shared by both protocols ------------------------------------------

def delete_message(t: Target) -> dict:
    message = do_delete_message(t.actor, t.room, require_int(t.data, "messageId"))
    # An event's message ids are strings on the wire (newMessage, messageDeleted).
    return ok(**t.scope, messageId=str(message.id) if "eventId" in t.scope else message.id)


def mute(t: Target) -> dict:
    user_id = target_user(t)
    until = do_mute(t.actor, t.room, user_id, require_int(t.data, "seconds"))
    return ok(**t.scope, userId=wire_id_of(user_id), until=isoformat_z(until))


def unmute(t: Target) -> dict:
    user_id = target_user(t)
    do_unmute(t.actor, t.room, user_id)
    return ok(**t.scope, userId=wire_id_of(user_id))


def kick(t: Target) -> dict:
    user_id = target_user(t)
    do_kick(t.actor, t.room, user_id)
    return ok(**t.scope, userId=wire_id_of(user_id))


def ban(t: Target) -> dict:
    user_id = target_user(t)
    ban_row = do_ban(t.actor, t.room, user_id, t.data.get("reason"))
    return ok(**t.scope, userId=wire_id_of(user_id), reason=ban_row.reason)


def unban(t: Target) -> dict:
    user_id = target_user(t)
    do_unban(t.actor, t.room, user_id)
    return ok(**t.scope, userId=wire_id_of(user_id))


def slow_mode(t: Target) -> dict:
    seconds = do_set_slow_mode(t.actor, t.room, require_int(t.data, "seconds"))
    return ok(**t.scope, seconds=seconds)


def moderator(t: Target) -> dict:
    user_id = target_user(t)
    is_moderator = require_bool(t.data.get("isModerator"), "isModerator")
    do_set_moderator(t.actor, t.room, user_id, is_moderator)
    return ok(**t.scope, userId=wire_id_of(user_id), isModerator=is_moderator)


def invite(t: Target) -> dict:
    user = user_for_ref(t.data, "userId")
    do_invite_member(t.actor, t.room, user.id)
    return ok(**t.scope, userId=wire_id_of(user.id))


def remove_member(t: Target) -> dict:
    user = user_for_ref(t.data, "userId")
    do_remove_member(t.actor, t.room, user.id)
    return ok(**t.scope, userId=wire_id_of(user.id))


class ModerationHandlers:
    # Community rooms (keyed by roomId).
    def on_room_message_delete(self, data=None, *_):
        return delete_message(in_room(data))

    def on_room_mute(self, data=None, *_):
        return mute(in_room(data))

    def on_room_unmute(self, data=None, *_):
        return unmute(in_room(data))

    def on_room_kick(self, data=None, *_):
        return kick(in_room(data))

    def on_room_ban(self, data=None, *_):
        return ban(in_room(data))

    def on_room_unban(self, data=None, *_):
        return unban(in_room(data))

    def on_room_slowmode(self, data=None, *_):
        return slow_mode(in_room(data))

    def on_room_moderator(self, data=None, *_):
        return moderator(in_room(data))

    def on_room_invite(self, data=None, *_):
        return invite(in_room(data))

    def on_room_member_remove(self, data=None, *_):
        return remove_member(in_room(data))

    # Live events (keyed by eventId).
    def on_delete_message(self, data=None, *_):
        return delete_message(in_event(data))

    def on_mute_user(self, data=None, *_):
        return mute(in_event(data))

    def on_unmute_user(self, data=None, *_):
        return unmute(in_event(data))

    def on_kick_user(self, data=None, *_):
        return kick(in_event(data))

    def on_ban_user(self, data=None, *_):
        return ban(in_event(data))

    def on_unban_user(self, data=None, *_):
        return unban(in_event(data))

    def on_set_slow_mode(self, data=None, *_):
        return slow_mode(in_event(data))

    def on_set_moderator(self, data=None, *_):
        return moderator(in_event(data))
