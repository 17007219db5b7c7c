"""Mentions: ``@name`` in a message names a user who may read it; they are told at once.

Parsed on the server from what was written (never from a client's list), stored with the
message (:class:`MessageMention`) so badges and highlights survive reloads, and announced
with ``mention`` to every socket of each mentioned user, after the commit.
"""
from __future__ import annotations

import re

from sqlalchemy import func, select

from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import MessageMention, Room, User
from chatapp.security import authz
from chatapp.security.identity import Actor

# ``@`` not glued to a word (so e-mail addresses are not mentions), then a name up to the
# next space; sentence punctuation after it is not part of the name.
MENTION = re.compile(r"(?<![\w@])@([^\s@]{1,64})")
TRAILING = ".,;:!?)]}\"'"
MAX_MENTIONS = 20
MAX_USERS = 50  # guests may share a name; a name that many have notifies at most this many


def mentioned_names(content: str) -> list[str]:
    """The distinct names ``@name`` points at, lower-cased, in order of appearance."""
    names: list[str] = []
    for match in MENTION.finditer(content):
        name = match.group(1).rstrip(TRAILING).lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def may_read(user: User, room: Room) -> bool:
    try:
        authz.check_can_see(Actor.of(user), room)
    except ChatError:
        return False
    return True


def mentioned_users(author_id: int, room_id: int, content: str) -> list[User]:
    """The users a message's ``@name``s name who may read the room (not the author). No
    query at all when the message has no ``@``."""
    names = mentioned_names(content) if "@" in content else []
    if not names:
        return []
    room = db.session.get(Room, room_id)
    users = db.session.scalars(select(User).where(func.lower(User.username).in_(names),
                                                  User.id != author_id).order_by(User.id).limit(MAX_USERS))
    return [u for u in users if room is not None and may_read(u, room)]


def replace_mentions(message_id: int, users: list[User]) -> None:
    """Make ``users`` the message's mentions (not committed)."""
    db.session.execute(MessageMention.__table__.delete().where(
        MessageMention.message_id == message_id))
    for user in users:
        db.session.add(MessageMention(message_id=message_id, user_id=user.id))
