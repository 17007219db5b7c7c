"""Moderating a room or an event's chat: deleting messages, mutes, kicks, bans, slow mode.

Every ``do_*`` takes the acting user and the room (an event's chat is a room of kind "event"
whose owner is the event's host), checks the actor's standing (:mod:`chatapp.security.authz`), writes
the change together with a :class:`ModerationRecord` (who did what to whom, when), commits,
and only then broadcasts. A community room hears ``room:*`` events keyed by ``roomId``; an
event's chat hears the camelCase ones keyed by ``eventId`` (see :mod:`chatapp.realtime.broadcast`).
Moderators act on members and outsiders, owners also on moderators, admins on everyone.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from chatapp.actions.presence import announce_departure
from chatapp.errors import Conflict, Forbidden, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import (
    Message,
    ModerationRecord,
    Room,
    RoomBan,
    RoomMember,
    RoomMute,
    User,
)
from chatapp.models.moderation import ROLE_MODERATOR
from chatapp.models.presence import Connection, RoomPresence
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries.moderation import event_id_of, sockets_of_user_in_room
from chatapp.realtime import (
    broadcast,
    event_participants,
    moderation_broadcast,
    sidebar_broadcast,
)
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.serializers import user_payload
from chatapp.timeutil import isoformat_z, utcnow
from chatapp.validation import clean_text

MUTE_MAX_SECONDS = 7 * 24 * 3600
SLOW_MODE_MAX_SECONDS = 3600
BAN_REASON_MAX = 200


# --- checks and shared steps ---------------------------------------------------------------

def check_seconds(value: object, field: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"{field} must be a whole number from {low} to {high}",
                      fields={field: f"from {low} to {high}"})
    return value


def check_moderator(actor: Actor, room: Room) -> str:
    """The actor's role if they moderate the room. A private room's outsiders get
    ``not_found`` (its existence stays private), a banned moderator ``banned``."""
    authz.check_can_see(actor, room)
    return authz.check_can_moderate(actor, room)


def check_target(actor_role: str, room: Room, user_id: int) -> User:
    """The user acted upon: they exist and the actor outranks them here."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    target = Actor.of(user)
    authz.check_outranks(actor_role, target, authz.room_role(target, room))
    return user


def record(actor: Actor, room: Room, action: str, *, target: int | None = None,
           message_id: int | None = None, detail: str = "") -> None:
    """Add the record of a moderation action to the session (committed with the action)."""
    db.session.add(ModerationRecord(room_id=room.id, actor_id=actor.user_id, action=action,
                                    target_user_id=target, message_id=message_id,
                                    detail=detail[:500], created_at=utcnow()))


def remove_presence(room: Room, user_id: int) -> list[str]:
    """Delete the presence of every socket of the user in the room (not committed); return
    those sockets."""
    sids = sockets_of_user_in_room(user_id, room.id)
    if sids:
        db.session.execute(delete(RoomPresence).where(RoomPresence.room_id == room.id,
                                                      RoomPresence.sid.in_(sids)))
    return sids


def unwatch_user(room_id: int, user_id: int) -> None:
    """After a commit that took away a user's right to read a room (a ban, the end of a
    private room's membership): no socket of theirs, on any process, watches it any more
    (``sidebar:watch``), so no sidebar of theirs hears of its messages."""
    sids = db.session.scalars(select(Connection.sid).where(Connection.user_id == user_id)).all()
    sidebar_broadcast.unwatch_anywhere(list(sids), room_id)


def announce_removal(room: Room, user: User, sids: list[str], by: Actor, *, banned: bool,
                     reason: str = "") -> None:
    """After the commit: take the user's sockets out of the room's channel (on whichever
    process holds them), tell the room and every socket of the user (kicked or banned), then
    announce the departure as a leave would (``room:user:left`` + ``rooms:update``, or
    ``userLeft`` + ``events:update``)."""
    for sid in sids:
        for channel in event_participants.channels_of_room(
                room.id, is_event=room.kind == ROOM_KIND_EVENT):
            broadcast.leave_channel_anywhere(sid, channel)
    moderation_broadcast.user_removed(room.id, event_id_of(room), user_payload(user), user_payload(by),
                           banned=banned, user_id=user.id, reason=reason)
    if sids:
        announce_departure(room, user.id, user.username, user_gone=True)  # every socket of theirs went


# --- messages ------------------------------------------------------------------------------

def do_delete_message(actor: Actor, room: Room, message_id: int) -> Message:
    """Delete a message of the room: its author may, and the room's moderators (on those they
    outrank). The row stays for the record; history no longer shows it. ``room:message:deleted
    {roomId, messageId}`` (community) or ``messageDeleted {id}`` (event) goes to the room."""
    role = authz.check_can_see(actor, room)
    message = db.session.get(Message, message_id)
    if message is None or message.room_id != room.id or message.deleted_at is not None:
        raise NotFound(f"message {message_id} does not exist here")
    if message.sender_id != actor.user_id:
        if authz.RANK[role] < authz.RANK[ROLE_MODERATOR]:
            raise Forbidden("only its author or the room's moderators may delete a message")
        check_target(role, room, message.sender_id)
    message.deleted_at, message.deleted_by_id = utcnow(), actor.user_id
    record(actor, room, "delete_message", target=message.sender_id, message_id=message.id)
    db.session.commit()
    moderation_broadcast.message_deleted(room.id, event_id_of(room), message.id)
    return message


# --- mutes ---------------------------------------------------------------------------------

def do_mute(actor: Actor, room: Room, user_id: int, seconds: object) -> datetime:
    """Mute a user here for ``seconds`` (1 s to 7 days; muting again replaces the time).
    ``room:user:muted`` / ``userMuted`` ``{userId, username, until, by}`` goes to the room.
    Returns until when (naive UTC)."""
    role = check_moderator(actor, room)
    seconds = check_seconds(seconds, "seconds", low=1, high=MUTE_MAX_SECONDS)
    user = check_target(role, room, user_id)
    until = utcnow() + timedelta(seconds=seconds)
    mute = db.session.get(RoomMute, (room.id, user.id))
    if mute is None:
        db.session.add(RoomMute(room_id=room.id, user_id=user.id, until=until,
                                muted_by_id=actor.user_id))
    else:
        mute.until, mute.muted_by_id = until, actor.user_id
    record(actor, room, "mute", target=user.id, detail=f"{seconds}s until {isoformat_z(until)}")
    db.session.commit()
    authz.forget_policy(room.id)
    moderation_broadcast.user_muted(room.id, event_id_of(room), user_payload(user), isoformat_z(until),
                         user_payload(actor))
    return until


def do_unmute(actor: Actor, room: Room, user_id: int) -> None:
    """Lift a running mute (``not_found`` if there is none): ``room:user:unmuted`` /
    ``userUnmuted`` ``{userId, username}`` to the room."""
    role = check_moderator(actor, room)
    user = check_target(role, room, user_id)
    mute = db.session.get(RoomMute, (room.id, user.id))
    if mute is None or mute.until <= utcnow():
        raise NotFound(f"{user.username} is not muted here")
    db.session.delete(mute)
    record(actor, room, "unmute", target=user.id)
    db.session.commit()
    authz.forget_policy(room.id)
    moderation_broadcast.user_unmuted(room.id, event_id_of(room), user_payload(user))


# --- kicks and bans ------------------------------------------------------------------------

def do_kick(actor: Actor, room: Room, user_id: int) -> None:
    """Take every socket of a user out of the room (they may come back; ``not_found`` if they
    are not in it). ``room:user:kicked`` / ``userKicked`` ``{userId, username, by}`` goes to
    the room and to all the user's sockets, then the departure is announced."""
    role = check_moderator(actor, room)
    user = check_target(role, room, user_id)
    sids = remove_presence(room, user.id)
    if not sids:
        raise NotFound(f"{user.username} is not in this room")
    record(actor, room, "kick", target=user.id)
    db.session.commit()
    announce_removal(room, user, sids, actor, banned=False)


def do_ban(actor: Actor, room: Room, user_id: int, reason: object = None) -> RoomBan:
    """Ban a user until lifted: they are taken out as by a kick, lose any membership or
    moderator role here, and can neither rejoin nor read (``banned``). ``room:user:banned`` /
    ``userBanned`` ``{userId, username, by, reason}`` goes to the room and the user's sockets,
    then the departure is announced if they were in."""
    role = check_moderator(actor, room)
    reason = clean_text(reason, "reason", max_length=BAN_REASON_MAX, required=False,
                        single_line=True)
    user = check_target(role, room, user_id)
    if authz.is_banned(user.id, room.id):
        raise Conflict(f"{user.username} is already banned here")
    ban = RoomBan(room_id=room.id, user_id=user.id, banned_by_id=actor.user_id, reason=reason,
                  created_at=utcnow())
    db.session.add(ban)
    membership = db.session.get(RoomMember, (room.id, user.id))
    if membership is not None:
        db.session.delete(membership)
    sids = remove_presence(room, user.id)
    record(actor, room, "ban", target=user.id, detail=reason)
    db.session.commit()
    authz.forget_policy(room.id)
    unwatch_user(room.id, user.id)  # a banned user may not read the room, nor see it move
    announce_removal(room, user, sids, actor, banned=True, reason=reason)
    return ban


def do_unban(actor: Actor, room: Room, user_id: int) -> None:
    """Lift a ban (``not_found`` if there is none): ``room:user:unbanned`` / ``userUnbanned``
    ``{userId, username}`` to the room and to the user's sockets."""
    check_moderator(actor, room)
    user = db.session.get(User, user_id)
    ban = db.session.get(RoomBan, (room.id, user_id)) if user is not None else None
    if user is None or ban is None:
        raise NotFound(f"user {user_id} is not banned here")
    db.session.delete(ban)
    record(actor, room, "unban", target=user.id)
    db.session.commit()
    moderation_broadcast.user_unbanned(room.id, event_id_of(room), user_payload(user), user_id=user.id)


# --- slow mode -----------------------------------------------------------------------------

def do_set_slow_mode(actor: Actor, room: Room, seconds: object) -> int:
    """At most one message per ``seconds`` (0 to 3600; 0 is off) per user, staff exempt.
    ``room:slowmode`` / ``slowMode`` ``{seconds}`` goes to the room when it changes."""
    check_moderator(actor, room)
    seconds = check_seconds(seconds, "seconds", low=0, high=SLOW_MODE_MAX_SECONDS)
    if room.slow_mode_seconds == seconds:
        return seconds
    room.slow_mode_seconds = seconds
    record(actor, room, "slow_mode", detail=f"{seconds}s")
    db.session.commit()
    authz.forget_policy(room.id)
    moderation_broadcast.slow_mode(room.id, event_id_of(room), seconds)
    return seconds
