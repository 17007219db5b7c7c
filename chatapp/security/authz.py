"""Who may do what in a room or event. Every check raises a domain error or returns quietly.

Roles, strongest first: admin (site-wide), owner (a room's creator or an event's host),
moderator (appointed by the owner), member (of a private room), and anyone else. Bans and
mutes are per room. Private rooms are invisible to non-members: asking about one is
``not_found``, so their existence does not leak.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from chatapp.errors import Forbidden, NotFound
from chatapp.extensions import db
from chatapp.models import Event, Room, RoomBan, RoomMember, RoomMute
from chatapp.models.moderation import ROLE_MEMBER, ROLE_MODERATOR, ROLE_OWNER
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.security.identity import Actor
from chatapp.timeutil import utcnow

ROLE_ADMIN, ROLE_NONE = "admin", "none"
RANK = {ROLE_NONE: 0, ROLE_MEMBER: 1, ROLE_MODERATOR: 2, ROLE_OWNER: 3, ROLE_ADMIN: 4}


class Banned(Forbidden):
    code = "banned"


class Muted(Forbidden):
    code = "muted"


def owner_id(room: Room) -> int | None:
    if room.kind == ROOM_KIND_EVENT:
        return db.session.scalar(select(Event.host_id).where(Event.room_id == room.id))
    return room.created_by_id


def room_role(actor: Actor, room: Room) -> str:
    if actor.is_admin:
        return ROLE_ADMIN
    if owner_id(room) == actor.user_id:
        return ROLE_OWNER
    role = db.session.scalar(select(RoomMember.role).where(
        RoomMember.room_id == room.id, RoomMember.user_id == actor.user_id))
    return role or ROLE_NONE


def is_banned(user_id: int, room_id: int) -> bool:
    return db.session.get(RoomBan, (room_id, user_id)) is not None


def check_can_see(actor: Actor | None, room: Room) -> str:
    """Read, join or list: returns the actor's role. Private rooms need membership; a ban
    shuts the room for its user."""
    if actor is None:
        if room.is_private:
            raise NotFound(f"room {room.id} does not exist")
        return ROLE_NONE
    role = room_role(actor, room)
    if room.is_private and RANK[role] < RANK[ROLE_MEMBER]:
        raise NotFound(f"room {room.id} does not exist")
    if role != ROLE_ADMIN and is_banned(actor.user_id, room.id):
        raise Banned("you are banned from this room")
    return role


def check_can_moderate(actor: Actor, room: Room) -> str:
    role = room_role(actor, room)
    if RANK[role] < RANK[ROLE_MODERATOR]:
        raise Forbidden("only the room's moderators may do this")
    return role


def check_can_manage(actor: Actor, room: Room) -> str:
    """Invite and remove members, appoint moderators: owners and admins."""
    role = room_role(actor, room)
    if RANK[role] < RANK[ROLE_OWNER]:
        raise Forbidden("only the room's owner may do this")
    return role


def check_outranks(actor_role: str, target: Actor | None, target_role: str) -> None:
    """Moderators act on members, owners on moderators; nobody on their equals or betters."""
    if RANK[target_role] >= RANK[actor_role]:
        raise Forbidden("you cannot do this to someone of equal or higher standing")


def check_can_manage_event(actor: Actor, event: Event) -> None:
    if not actor.is_admin and event.host_id != actor.user_id:
        raise Forbidden("only the event's host may change it")


def check_can_create_event(actor: Actor) -> None:
    if actor.is_guest:
        raise Forbidden("guests cannot create events; sign in with an account")


# --- the posting policy, cached so the message hot path needs no query ---------------------

@dataclass
class RoomPolicy:
    slow_mode_seconds: int
    muted_until: dict[int, datetime] = field(default_factory=dict)
    staff: frozenset[int] = frozenset()  # owner and moderators: exempt from slow mode
    loaded_at: float = 0.0


def _policies() -> dict[int, RoomPolicy]:
    """The app's cache of room policies (one per app: two apps in one process, as in tests,
    never see each other's rooms)."""
    return current_app.extensions.setdefault("chatapp.room_policies", {})


def load_policy(room_id: int) -> RoomPolicy:
    room = db.session.get(Room, room_id)
    now = utcnow()
    mutes = {uid: until for uid, until in db.session.execute(
        select(RoomMute.user_id, RoomMute.until).where(RoomMute.room_id == room_id,
                                                       RoomMute.until > now))}
    staff = set(db.session.scalars(select(RoomMember.user_id).where(
        RoomMember.room_id == room_id, RoomMember.role == ROLE_MODERATOR)))
    if room is not None and (owner := owner_id(room)) is not None:
        staff.add(owner)
    return RoomPolicy(room.slow_mode_seconds if room else 0, mutes, frozenset(staff),
                      time.monotonic())


def policy_of(room_id: int) -> RoomPolicy:
    """This process's view of a room's posting policy, at most POLICY_CACHE_SECONDS old (a
    change made on this process applies at once; on others within that time)."""
    cache = _policies()
    policy = cache.get(room_id)
    ttl = current_app.config["POLICY_CACHE_SECONDS"]
    if policy is None or time.monotonic() - policy.loaded_at > ttl:
        policy = cache[room_id] = load_policy(room_id)
    return policy


def forget_policy(room_id: int) -> None:
    _policies().pop(room_id, None)


def check_can_post(actor: Actor, room_id: int) -> bool:
    """Raise :class:`Muted` if the actor is muted here; return whether slow mode applies."""
    policy = policy_of(room_id)
    until = policy.muted_until.get(actor.user_id)
    if until is not None and until > utcnow():
        raise Muted(f"you are muted here until {until.isoformat(timespec='seconds')}Z",
                    retry_after=(until - utcnow()).total_seconds())
    exempt = actor.is_admin or actor.user_id in policy.staff
    return policy.slow_mode_seconds > 0 and not exempt
