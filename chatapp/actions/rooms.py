"""Joining, leaving and creating community rooms."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from chatapp.actions.catch_up import catch_up_pages
from chatapp.actions.presence import enter_room, leave_room
from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.models import Room, RoomMember, RoomPresence
from chatapp.models.moderation import ROLE_OWNER
from chatapp.models.room import ROOM_KIND_COMMUNITY
from chatapp.queries import presence as presence_queries
from chatapp.queries import rooms as room_queries
from chatapp.queries.message_views import room_message_views
from chatapp.realtime import broadcast
from chatapp.security import authz, ratelimit
from chatapp.security.identity import Actor
from chatapp.serializers import room_summary, user_payload
from chatapp.timeutil import isoformat_z, utcnow
from chatapp.validation import clean_text, optional_text, require_bool

ROOM_NAME_MAX = 80
ROOM_DESCRIPTION_MAX = 500
ROOM_CATEGORY_MAX = 40


def check_community_room(room_id: int, viewer: Actor | None) -> Room:
    """The room, if ``viewer`` (None: anonymous) may see it: private rooms are for members
    only, and a ban shuts a room for its user."""
    room = room_queries.get_community_room(room_id)
    if room is None:
        raise NotFound(f"room {room_id} does not exist")
    authz.check_can_see(viewer, room)
    return room


def do_join_room(sid: str, actor: Actor, room_id: int) -> tuple[Room, list[dict]]:
    """Put socket ``sid`` in a room. Emits ``room:history`` (the latest ``HISTORY_LIMIT``
    messages) to it, ``room:user:joined`` to the room (only to this socket if the user was
    already there in another tab) and ``rooms:update`` to everyone. Joining twice just sends
    the history again."""
    def latest(room: Room) -> list[dict]:
        history = room_message_views(
            room_queries.room_history(room.id, current_app.config["HISTORY_LIMIT"]))
        broadcast.room_history(sid, room.id, history)
        return history

    room, history = _join_room(sid, actor, room_id, latest)
    return room, history


def do_join_room_after(sid: str, actor: Actor, room_id: int,
                       after: int) -> tuple[Room, list[dict], int | None]:
    """:func:`do_join_room`, but the history is every message after the id ``after``, sent as
    catch-up pages (:mod:`chatapp.actions.catch_up`). Returns the room, the messages sent and
    where to continue (None when the socket has them all)."""
    next_after: list[int | None] = [None]

    def catch_up(room: Room) -> list[dict]:
        history: list[dict] = []
        for page in catch_up_pages(room.id, after, current_app.config["HISTORY_LIMIT"],
                                   room_message_views):
            broadcast.room_history(sid, room.id, page.messages, page.cursor_fields())
            history += page.messages
            next_after[0] = page.next_after
        return history

    room, history = _join_room(sid, actor, room_id, catch_up)
    return room, history, next_after[0]


def _join_room(sid: str, actor: Actor, room_id: int,
               send_history: Callable[[Room], list[dict]]) -> tuple[Room, list[dict]]:
    room = check_community_room(room_id, actor)
    already_in, user_was_there = enter_room(sid, actor.user_id, room.id)
    history = send_history(room)
    if not already_in:
        broadcast.room_user_joined(room.id, user_payload(actor), isoformat_z(utcnow()),
                                   only_sid=sid if user_was_there else None)
        broadcast.rooms_update(room.id, presence_queries.room_users_count(room.id), private=room.is_private)
    return room, history


def do_leave_room(sid: str, actor: Actor, room_id: int) -> Room:
    """Take socket ``sid`` out of a room; ``room:user:left`` goes to the room when it was the
    user's last socket there, ``rooms:update`` to everyone."""
    room = check_community_room(room_id, actor)  # a private room stays invisible
    leave_room(sid, actor.user_id, actor.username, room)
    return room


def do_create_room(sid: str | None, actor: Actor, data: dict) -> Room:
    """Create a community room owned by its creator, with the creating socket in it:
    ``rooms:new`` to everyone (only to the creator's sockets for a private room),
    ``room:joined`` to that socket. ``isPrivate`` (old clients omit it) makes a members-only
    room. Without a socket (the lobby's form without JavaScript) nobody is in it yet. Names
    need not be unique."""
    name = clean_text(data.get("name"), "name", max_length=ROOM_NAME_MAX, single_line=True)
    is_private = require_bool(data.get("isPrivate", False), "isPrivate")
    description = optional_text(data, "description", max_length=ROOM_DESCRIPTION_MAX)
    category = optional_text(data, "category", max_length=ROOM_CATEGORY_MAX, default="general")
    # A name in use is fine, as with the old server: rooms are told apart by their ids.
    ratelimit.check("RATE_LIMIT_ROOM_CREATE", f"user:{actor.user_id}", guest=actor.is_guest)
    room = Room(kind=ROOM_KIND_COMMUNITY, name=name, description=description, category=category,
                created_by_id=actor.user_id, is_private=is_private)
    db.session.add(room)
    db.session.flush()
    db.session.add(RoomMember(room_id=room.id, user_id=actor.user_id, role=ROLE_OWNER))
    in_it = sid is not None
    if in_it:
        db.session.add(RoomPresence(sid=sid, room_id=room.id))
    db.session.commit()
    broadcast.rooms_new(room_summary(room, int(in_it)),
                        only_user=actor.user_id if is_private else None)
    if in_it:
        broadcast.subscribe(sid, broadcast.room_channel(room.id))
        broadcast.room_joined(sid, room.id)
    return room
