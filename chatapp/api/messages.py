"""Message features over REST: editing, reacting, read markers and unread counts.

The same actions as the socket events (``room:message:edit``, ``room:message:react``,
``room:read``), which announce the outcome to the room's (or the reader's) sockets exactly as
when a socket asks. Writes need a bearer token.
"""
from __future__ import annotations

from flask import Blueprint

from chatapp.actions.event_lifecycle import check_event
from chatapp.actions.message_edits import do_edit_message
from chatapp.actions.messages import RoomRef
from chatapp.actions.reactions import do_toggle_reaction
from chatapp.actions.reads import do_mark_room_read
from chatapp.actions.rooms import check_community_room
from chatapp.api.params import current_actor, json_body
from chatapp.models import Room
from chatapp.queries.unread import unread_summary
from chatapp.security.client_address import client_ip
from chatapp.validation import require_int, require_object


def room_ref(room: Room) -> RoomRef:
    return RoomRef(room.id, room.kind)


def edit_message(room_id: int, message_id: int):
    """``PATCH /rooms/<id>/messages/<messageId> {message}``: the author's new text."""
    actor = current_actor()
    room = check_community_room(room_id, actor)
    data = require_object(json_body())
    return do_edit_message(actor, room_ref(room), message_id, data.get("message"),
                           client_ip=client_ip())


def toggle_reaction(room_id: int, message_id: int):
    """``POST /rooms/<id>/messages/<messageId>/reactions {emoji}``: toggles the caller's."""
    actor = current_actor()
    room = check_community_room(room_id, actor)
    data = require_object(json_body())
    return do_toggle_reaction(actor, room_ref(room), message_id, data.get("emoji"))


def read_marker_body() -> int | None:
    data = require_object(json_body())
    return require_int(data, "messageId") if data.get("messageId") is not None else None


def mark_room_read(room_id: int):
    actor = current_actor()
    room = check_community_room(room_id, actor)
    return {"roomId": room.id, "lastReadId": do_mark_room_read(actor, room, read_marker_body())}


def mark_event_read(event_id: str):
    actor = current_actor()
    room = check_event(event_id).room
    return {"roomId": room.id, "lastReadId": do_mark_room_read(actor, room, read_marker_body())}


def unread():
    """``GET /unread``: the caller's unread counts per room and conversation."""
    return unread_summary(current_actor())


def register(bp: Blueprint) -> None:
    bp.patch("/rooms/<id:room_id>/messages/<id:message_id>")(edit_message)
    bp.post("/rooms/<id:room_id>/messages/<id:message_id>/reactions")(toggle_reaction)
    bp.post("/rooms/<id:room_id>/read")(mark_room_read)
    bp.post("/events/<event_id>/read")(mark_event_read)
    bp.get("/unread")(unread)
