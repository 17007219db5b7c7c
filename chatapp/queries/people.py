"""Who is around: a room's people with their standing and whether they are online."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from chatapp.extensions import db
from chatapp.models import Room, RoomMember, RoomPresence, User
from chatapp.models.moderation import ROLE_OWNER
from chatapp.queries.presence import live_connections

ROLE_ORDER = {ROLE_OWNER: 0, "moderator": 1, "member": 2, "": 3}


@dataclass(frozen=True)
class Person:
    user: User
    online: bool
    in_room: bool
    role: str  # owner, moderator, member, or "" for anyone else


def room_people(room: Room) -> list[Person]:
    """Everyone in the room now, plus its owner, moderators and (private rooms) members
    whether or not they are here: those in the room first, then by standing and name."""
    live = live_connections()
    present = set(db.session.scalars(
        select(live.c.user_id).join(RoomPresence, RoomPresence.sid == live.c.sid)
        .where(RoomPresence.room_id == room.id).distinct()))
    roles = dict(db.session.execute(
        select(RoomMember.user_id, RoomMember.role).where(RoomMember.room_id == room.id)).all())
    if room.created_by_id is not None:
        roles[room.created_by_id] = ROLE_OWNER
    ids = present | set(roles)
    if not ids:
        return []
    online = set(db.session.scalars(select(live.c.user_id).where(live.c.user_id.in_(ids))))
    people = [Person(user, user.id in online, user.id in present, roles.get(user.id, ""))
              for user in db.session.scalars(select(User).where(User.id.in_(ids)))]
    return sorted(people, key=lambda p: (not p.in_room, ROLE_ORDER.get(p.role, 3),
                                         p.user.username.lower()))
