"""Typing indicators: nothing is stored, only relayed."""
from __future__ import annotations

from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.models import User
from chatapp.realtime import broadcast
from chatapp.security import authz, ratelimit
from chatapp.security.identity import Actor
from chatapp.serializers import user_payload, wire_user_id


def check_may_type(actor: Actor, room_id: int | None) -> None:
    """Within the typing rate limit, and (in a room) not muted."""
    ratelimit.check("RATE_LIMIT_TYPING", f"user:{actor.user_id}", guest=actor.is_guest)
    if room_id is not None:
        authz.check_can_post(actor, room_id)


def do_room_typing(sid: str, actor: Actor, room_id: int, is_typing: bool) -> None:
    """``user:typing`` to the other sockets in the room."""
    check_may_type(actor, room_id)
    broadcast.room_typing(room_id, user_payload(actor), is_typing, skip_sid=sid)


def do_private_typing(actor: Actor, recipient_id: int, is_typing: bool) -> None:
    """``user:typing:private`` to every socket of the recipient."""
    check_may_type(actor, None)
    if db.session.get(User, recipient_id) is None:
        raise NotFound(f"user {recipient_id} does not exist")
    broadcast.private_typing(recipient_id, wire_user_id(actor), is_typing)
