"""A room's members and moderators, managed by its owner (an event's host) or an admin.

Private rooms are listed, joined and read only by their members; inviting someone into one
sends ``rooms:new`` to that user's sockets, and removing them takes them out as a kick does.
Any room (public, private, an event's chat) may have moderators, appointed by the owner.
Like :mod:`chatapp.actions.moderation`: check, write with a record, commit, then broadcast.
"""
from __future__ import annotations

from chatapp.actions.moderation import (
    announce_removal,
    record,
    remove_presence,
    unwatch_user,
)
from chatapp.errors import Conflict, Forbidden, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import Room, RoomMember, User
from chatapp.models.moderation import ROLE_MEMBER, ROLE_MODERATOR, ROLE_OWNER
from chatapp.queries import presence as presence_queries
from chatapp.queries.moderation import event_id_of
from chatapp.realtime import broadcast, moderation_broadcast
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.serializers import room_summary, user_payload

ROLES = (ROLE_MEMBER, ROLE_MODERATOR)


def check_manager_and_target(actor: Actor, room: Room, user_id: int) -> tuple[str, User]:
    """The actor manages the room (owner or admin; a private room's outsiders get
    ``not_found``), and the target exists and is outranked by the actor."""
    authz.check_can_see(actor, room)
    role = authz.check_can_manage(actor, room)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    target = Actor.of(user)
    authz.check_outranks(role, target, authz.room_role(target, room))
    return role, user


def do_set_moderator(actor: Actor, room: Room, user_id: int, is_moderator: bool) -> bool:
    """Appoint (or dismiss) a moderator; a dismissed moderator stays a plain member. Returns
    whether anything changed; only then ``room:moderator`` / ``moderatorChanged``
    ``{userId, username, isModerator}`` goes to the room."""
    _, user = check_manager_and_target(actor, room, user_id)
    membership = db.session.get(RoomMember, (room.id, user.id))
    current = membership.role if membership is not None else None
    if current == ROLE_OWNER:
        raise Forbidden("the owner's role cannot change")
    if is_moderator == (current == ROLE_MODERATOR):
        return False
    if is_moderator and authz.is_banned(user.id, room.id):
        raise Conflict(f"{user.username} is banned here; lift the ban first")
    if membership is None:
        db.session.add(RoomMember(room_id=room.id, user_id=user.id, role=ROLE_MODERATOR,
                                  added_by_id=actor.user_id))
    else:
        membership.role = ROLE_MODERATOR if is_moderator else ROLE_MEMBER
    record(actor, room, "appoint_moderator" if is_moderator else "dismiss_moderator",
           target=user.id)
    db.session.commit()
    authz.forget_policy(room.id)
    moderation_broadcast.moderator_changed(room.id, event_id_of(room), user_payload(user), is_moderator)
    return True


def do_appoint_moderator(actor: Actor, room: Room, user_id: int) -> bool:
    return do_set_moderator(actor, room, user_id, True)


def do_dismiss_moderator(actor: Actor, room: Room, user_id: int) -> bool:
    return do_set_moderator(actor, room, user_id, False)


def do_invite_member(actor: Actor, room: Room, user_id: int) -> bool:
    """Make a user a member (harmless for a public room). Returns whether they were not one
    already; a new member of a private room gets ``rooms:new`` (the room's summary) on every
    socket of theirs, so it appears in their list."""
    _, user = check_manager_and_target(actor, room, user_id)
    if db.session.get(RoomMember, (room.id, user.id)) is not None:
        return False
    if authz.is_banned(user.id, room.id):
        raise Conflict(f"{user.username} is banned here; lift the ban first")
    db.session.add(RoomMember(room_id=room.id, user_id=user.id, role=ROLE_MEMBER,
                              added_by_id=actor.user_id))
    record(actor, room, "invite", target=user.id)
    db.session.commit()
    if room.is_private:
        broadcast.rooms_new(room_summary(room, presence_queries.room_users_count(room.id)),
                            only_user=user.id)
    return True


def do_remove_member(actor: Actor, room: Room, user_id: int) -> None:
    """Take away a user's membership (and moderator role); ``not_found`` if they had none.
    From a private room they are also taken out as by a kick (``room:user:kicked`` to the room
    and to their sockets, then the departure); a dismissed moderator is announced with
    ``room:moderator`` / ``moderatorChanged``."""
    _, user = check_manager_and_target(actor, room, user_id)
    membership = db.session.get(RoomMember, (room.id, user.id))
    if membership is None:
        raise NotFound(f"{user.username} is not a member here")
    if membership.role == ROLE_OWNER:
        raise Forbidden("the owner cannot be removed")
    was_moderator = membership.role == ROLE_MODERATOR
    db.session.delete(membership)
    sids = remove_presence(room, user.id) if room.is_private else []
    record(actor, room, "remove_member", target=user.id)
    db.session.commit()
    authz.forget_policy(room.id)
    if was_moderator:
        moderation_broadcast.moderator_changed(room.id, event_id_of(room), user_payload(user), False)
    if room.is_private:
        unwatch_user(room.id, user.id)  # no longer a reader of the private room
        announce_removal(room, user, sids, actor, banned=False)


def do_set_member_role(actor: Actor, room: Room, user_id: int, role: object) -> str:
    """Give a user the role ``member`` (invite, or dismiss a moderator) or ``moderator``
    (appoint); see those actions for what is announced. Returns the role."""
    if role not in ROLES:
        raise Invalid("role must be member or moderator", fields={"role": "member or moderator"})
    membership = db.session.get(RoomMember, (room.id, user_id))
    if role == ROLE_MODERATOR or (membership is not None and membership.role == ROLE_MODERATOR):
        do_set_moderator(actor, room, user_id, role == ROLE_MODERATOR)
    else:
        do_invite_member(actor, room, user_id)
    return str(role)
