"""Wire shapes, shared by REST and sockets so a message looks the same everywhere."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chatapp.timeutil import isoformat_z

if TYPE_CHECKING:
    from chatapp.identity import Actor
    from chatapp.models import Message, Room, User


def room_message_payload(message_id: int, author: "Actor | User", content: str,
                         created_at: datetime) -> dict:
    """A community-room message: ``{id, sender, userId, avatar, content, timestamp}``."""
    user_id = author.user_id if hasattr(author, "user_id") else author.id
    return {
        "id": message_id,
        "sender": author.username,
        "userId": user_id,
        "avatar": author.avatar,
        "content": content,
        "timestamp": isoformat_z(created_at),
    }


def message_payload(message: "Message") -> dict:
    """A stored room message in the community shape (history, REST)."""
    return room_message_payload(message.id, message.sender, message.content, message.created_at)


def private_message_payload(message: "Message") -> dict:
    """A stored private message, for conversation history (REST and socket)."""
    return {
        "id": message.id,
        "from": message.sender_id,
        "to": message.recipient_id,
        "sender": message.sender.username,
        "avatar": message.sender.avatar,
        "content": message.content,
        "timestamp": isoformat_z(message.created_at),
    }


def room_summary(room: "Room", users_count: int) -> dict:
    """``rooms:list`` entry: ``{id, name, category, usersCount}`` plus the description."""
    return {
        "id": room.id,
        "name": room.name,
        "description": room.description,
        "category": room.category,
        "usersCount": users_count,
    }


def user_payload(user: "Actor | User") -> dict:
    user_id = user.user_id if hasattr(user, "user_id") else user.id
    return {"userId": user_id, "username": user.username, "avatar": user.avatar}
