"""Moderation over REST: the same actions as the socket events, under a room or an event.

Each view exists twice, as ``/rooms/<id>/...`` (a community room) and ``/events/<id>/...``
(the event's chat); the action announces the outcome to the room's sockets, exactly as when
a socket asks. The caller is the bearer of a token or a logged-in browser session.

Users are named by wire id: in paths (``<user_id>``, a string) and in bodies (``userId``, also
a number from older clients of ours); answers name them by wire id too.
"""
from __future__ import annotations

from flask import Blueprint

from chatapp.actions.event_lifecycle import check_event
from chatapp.actions.membership import do_remove_member, do_set_member_role
from chatapp.actions.moderation import (
    check_moderator,
    do_ban,
    do_delete_message,
    do_kick,
    do_mute,
    do_set_slow_mode,
    do_unban,
    do_unmute,
)
from chatapp.actions.rooms import check_community_room
from chatapp.api.params import current_actor, int_arg, json_body
from chatapp.errors import Invalid
from chatapp.models import Room
from chatapp.models.moderation import ROLE_MEMBER
from chatapp.queries import presence as presence_queries
from chatapp.queries.moderation import moderation_log, record_payloads
from chatapp.queries.users import user_for_path, user_for_ref, wire_id_of
from chatapp.security.identity import Actor
from chatapp.serializers import room_summary
from chatapp.timeutil import isoformat_z
from chatapp.validation import require_object

NO_CONTENT = ("", 204)


def target(room_id: int | None, event_id: str | None) -> tuple[Actor, Room]:
    """The caller and the room: a community room they may see, or an event's chat."""
    actor = current_actor()
    if event_id is not None:
        return actor, check_event(event_id).room
    return actor, check_community_room(room_id, actor)


def body() -> dict:
    return require_object(json_body())


def delete_message(message_id: int, room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    do_delete_message(actor, room, message_id)
    return NO_CONTENT


def add_ban(room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    data = body()
    ban = do_ban(actor, room, user_for_ref(data, "userId").id, data.get("reason"))
    return {"userId": wire_id_of(ban.user_id), "reason": ban.reason,
            "bannedBy": wire_id_of(ban.banned_by_id),
            "createdAt": isoformat_z(ban.created_at)}, 201


def lift_ban(user_id: str, room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    do_unban(actor, room, user_for_path(user_id).id)
    return NO_CONTENT


def add_mute(room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    data = body()
    user = user_for_ref(data, "userId")
    until = do_mute(actor, room, user.id, data.get("seconds"))
    return {"userId": wire_id_of(user.id), "until": isoformat_z(until)}, 201


def lift_mute(user_id: str, room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    do_unmute(actor, room, user_for_path(user_id).id)
    return NO_CONTENT


def kick(room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    do_kick(actor, room, user_for_ref(body(), "userId").id)
    return NO_CONTENT


def set_member(room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    data = body()
    user = user_for_ref(data, "userId")
    role = do_set_member_role(actor, room, user.id, data.get("role", ROLE_MEMBER))
    return {"userId": wire_id_of(user.id), "role": role}


def remove_member(user_id: str, room_id: int | None = None, event_id: str | None = None):
    actor, room = target(room_id, event_id)
    do_remove_member(actor, room, user_for_path(user_id).id)
    return NO_CONTENT


def update_room(room_id: int):
    """``PATCH /rooms/<id>``: today only ``slowModeSeconds``."""
    actor, room = target(room_id, None)
    data = body()
    if "slowModeSeconds" not in data:
        raise Invalid("nothing to change; send slowModeSeconds",
                      fields={"slowModeSeconds": "is required"})
    seconds = do_set_slow_mode(actor, room, data["slowModeSeconds"])
    return {**room_summary(room, presence_queries.room_users_count(room.id)), "slowModeSeconds": seconds}


def set_event_slow_mode(event_id: str):
    actor, room = target(None, event_id)
    return {"seconds": do_set_slow_mode(actor, room, body().get("seconds"))}


def moderation_record(room_id: int | None = None, event_id: str | None = None):
    """The record, newest first, for the room's moderators: ``{records, nextBefore}``."""
    actor, room = target(room_id, event_id)
    check_moderator(actor, room)
    before, limit = int_arg("before"), min(int_arg("limit", default=50), 200)
    records = moderation_log(room.id, before=before, limit=limit + 1)
    page = record_payloads(records[:limit])
    return {"records": page, "nextBefore": page[-1]["id"] if len(records) > limit else None}


def register(bp: Blueprint) -> None:
    for prefix in ("/rooms/<id:room_id>", "/events/<event_id>"):
        bp.delete(f"{prefix}/messages/<id:message_id>")(delete_message)
        bp.post(f"{prefix}/bans")(add_ban)
        bp.delete(f"{prefix}/bans/<user_id>")(lift_ban)
        bp.post(f"{prefix}/mutes")(add_mute)
        bp.delete(f"{prefix}/mutes/<user_id>")(lift_mute)
        bp.post(f"{prefix}/kicks")(kick)
        bp.post(f"{prefix}/members")(set_member)
        bp.delete(f"{prefix}/members/<user_id>")(remove_member)
        bp.get(f"{prefix}/moderation")(moderation_record)
    bp.patch("/rooms/<id:room_id>")(update_room)
    bp.put("/events/<event_id>/slow-mode")(set_event_slow_mode)
