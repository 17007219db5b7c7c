"""Typing indicators: nothing is stored, only relayed."""
from __future__ import annotations

from chatapp import broadcast
from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.identity import Actor
from chatapp.models import User
from chatapp.serializers import user_payload


def do_room_typing(sid: str, actor: Actor, room_id: int, is_typing: bool) -> None:
    """``user:typing`` to the other sockets in the room."""
    broadcast.room_typing(room_id, user_payload(actor), is_typing, skip_sid=sid)


def do_private_typing(actor: Actor, recipient_id: int, is_typing: bool) -> None:
    """``user:typing:private`` to every socket of the recipient."""
    if db.session.get(User, recipient_id) is None:
        raise NotFound(f"user {recipient_id} does not exist")
    broadcast.private_typing(recipient_id, actor.user_id, is_typing)
