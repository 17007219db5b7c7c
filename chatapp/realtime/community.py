"""Handlers for the community-chat protocol (docs/protocol.md, "A. Community chat")."""
from __future__ import annotations

from flask import request

from chatapp.actions.catch_up import check_after
from chatapp.actions.conversations import do_mark_conversation_read
from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.actions.rooms import (
    do_create_room,
    do_join_room,
    do_join_room_after,
    do_leave_room,
)
from chatapp.actions.sessions import do_login, do_set_status
from chatapp.actions.typing import do_private_typing, do_room_typing
from chatapp.errors import AuthFailed, NotLoggedIn, NotMember
from chatapp.models.room import ROOM_KIND_COMMUNITY
from chatapp.queries.users import user_for_ref
from chatapp.realtime import broadcast, sidebar_broadcast
from chatapp.realtime.dispatch import ok
from chatapp.realtime.socket_state import SocketState, state_of
from chatapp.security.client_address import client_ip
from chatapp.security.identity import Actor
from chatapp.serializers import user_payload, wire_user_id
from chatapp.validation import require_bool, require_int, require_object

COMMUNITY_EVENTS = {
    "user:login": "on_user_login",
    "message:private": "on_message_private",
    "room:join": "on_room_join",
    "room:leave": "on_room_leave",
    "room:message": "on_room_message",
    "room:create": "on_room_create",
    "user:typing": "on_user_typing",
    "user:typing:private": "on_user_typing_private",
    "user:status": "on_user_status",
    "conversation:read": "on_conversation_read",
}


def logged_in() -> tuple[SocketState, Actor]:
    state = state_of(request.sid)
    if state.actor is None:
        raise NotLoggedIn("log in first (user:login)")
    return state, state.actor


def joined_room(state: SocketState, room_id: int) -> RoomRef:
    room = state.rooms.get(room_id)
    if room is not None and not broadcast.is_subscribed(request.sid, broadcast.room_channel(room_id)):
        state.rooms.pop(room_id, None)  # kicked or banned, possibly by another process
        room = None
    if room is None:
        raise NotMember(f"join room {room_id} first")
    return room


class CommunityHandlers:
    def on_user_login(self, data=None, *_):
        data = require_object(data)
        state = state_of(request.sid)
        try:
            result = do_login(request.sid, token=data.get("token"), username=data.get("username"),
                              avatar=data.get("avatar"), current=state.actor,
                              client_ip=client_ip(), anonymous_socket=state.actor is None)
        except AuthFailed as error:
            broadcast.auth_error(request.sid, error.message)
            raise
        if state.actor is not None and state.actor.user_id != result.actor.user_id:
            state.rooms.clear()  # the old identity left them
            state.event = None
            sidebar_broadcast.unwatch_all(request.sid)  # what it may read is not the new one's
        state.guest_name_asked = None  # a user:login identity is the socket's, whatever joinEvent says
        state.actor = result.actor
        return ok(user=user_payload(result.actor), token=result.token, rooms=result.rooms)

    def on_message_private(self, data=None, *_):
        _, actor = logged_in()
        data = require_object(data)
        recipient = user_for_ref(data, "to")
        return ok(message=do_send_private_message(
            actor, recipient.id, data.get("message"), client_ip=client_ip(),
            client_message_id=data.get("clientMessageId")))

    def on_room_join(self, data=None, *_):
        """``{roomId, after?}``: with ``after``, the history is every message after that id
        (catch-up pages) and the ack says where to continue (``nextAfter``)."""
        state, actor = logged_in()
        data = require_object(data)
        room_id, after = require_int(data, "roomId"), check_after(data.get("after"))
        if after is None:
            room, history = do_join_room(request.sid, actor, room_id)
            extra = {}
        else:
            room, history, next_after = do_join_room_after(request.sid, actor, room_id, after)
            extra = {"nextAfter": next_after}
        state.rooms[room.id] = RoomRef(room.id, ROOM_KIND_COMMUNITY)
        return ok(roomId=room.id, messages=history, **extra)

    def on_room_leave(self, data=None, *_):
        state, actor = logged_in()
        room_id = require_int(require_object(data), "roomId")
        do_leave_room(request.sid, actor, room_id)
        state.rooms.pop(room_id, None)
        return ok(roomId=room_id)

    def on_room_message(self, data=None, *_):
        state, actor = logged_in()
        data = require_object(data)
        room = joined_room(state, require_int(data, "roomId"))
        return ok(message=do_send_message(actor, room, data.get("message"), client_ip=client_ip(),
                                          client_message_id=data.get("clientMessageId"),
                                          reply_to=data.get("replyTo"),
                                          attachments=data.get("attachments")))

    def on_room_create(self, data=None, *_):
        state, actor = logged_in()
        room = do_create_room(request.sid, actor, require_object(data))
        state.rooms[room.id] = RoomRef(room.id, ROOM_KIND_COMMUNITY)
        return ok(roomId=room.id)

    def on_user_typing(self, data=None, *_):
        state, actor = logged_in()
        data = require_object(data)
        room = joined_room(state, require_int(data, "roomId"))
        do_room_typing(request.sid, actor, room.id, require_bool(data.get("isTyping"), "isTyping"))
        return ok()

    def on_user_typing_private(self, data=None, *_):
        _, actor = logged_in()
        data = require_object(data)
        is_typing = require_bool(data.get("isTyping"), "isTyping")
        do_private_typing(actor, user_for_ref(data, "to").id, is_typing)
        return ok()

    def on_user_status(self, data=None, *_):
        _, actor = logged_in()
        status = do_set_status(request.sid, actor, require_object(data).get("status"))
        return ok(status=status)

    def on_conversation_read(self, data=None, *_):
        """Our addition: the user has read their conversation with ``userId``."""
        _, actor = logged_in()
        peer = user_for_ref(require_object(data), "userId")
        return ok(userId=wire_user_id(peer), readUpTo=do_mark_conversation_read(actor, peer.id))
