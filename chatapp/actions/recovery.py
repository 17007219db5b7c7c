"""Resuming a session (connection state recovery): identity, rooms and event, missed events.

Two cases, depending on whether the old socket's presence was already cleared:

- **taken over**: its process died (SIGKILL, lost host), has not yet noticed that the link
  was cut, or handed it off at a shutdown (its rows parked, see
  :func:`chatapp.actions.presence.do_park_sockets`), so its presence rows are still there.
  They move to the new socket as they are: to everyone else nothing happened (no
  left/joined announcements).
- **restored**: it disconnected cleanly and was snapshotted (who, which rooms). The user is
  back online and re-enters each room it may still see (a ban in between keeps it out), with
  the usual arrival announcements, but no ``room:history`` / ``eventHistory``: the replay
  fills the gap instead.

Either way the socket then gets every logged event after its offset, in order, exactly once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update

from chatapp.actions.presence import enter_room, lock_users
from chatapp.actions.sessions import free_guest_name
from chatapp.cluster.process_registry import current_process_id, keep_parked_awake
from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import Connection, RecoverySession, Room, RoomPresence, User
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries import events as event_queries
from chatapp.queries import presence as presence_queries
from chatapp.realtime import broadcast, event_participants
from chatapp.security import authz
from chatapp.security.identity import Actor, issue_token
from chatapp.serializers import user_payload
from chatapp.timeutil import isoformat_z, utcnow


@dataclass(frozen=True)
class ResumedRoom:
    """What a resumed socket needs of a room: read before the commit, which would expire a
    loaded row and cost a query per room to read again."""
    id: int
    kind: str


@dataclass
class Resumed:
    actor: Actor | None
    rooms: list[ResumedRoom] = field(default_factory=list)
    guest_name_asked: str | None = None
    # The presence channels it listened to (presence:watch), or None when not snapshotted
    # (its process died, or the old socket was taken over): then it starts as a new socket.
    presence: list[str] | None = None


def do_resume_session(sid: str, pid: str) -> Resumed:
    """Make socket ``sid`` the continuation of session ``pid`` (checked resumable by the
    caller): its identity and rooms, subscribed to their channels. Committed."""
    session = db.session.get(RecoverySession, pid)
    if session is None:  # ended since the handshake found it (its guest name was given back)
        return Resumed(None)
    old, guest_name_asked = session.sid, session.guest_name_asked
    presence = json.loads(session.presence) if session.presence else None
    moved = update(RecoverySession).where(RecoverySession.pid == pid).values(
        sid=sid, disconnected_at=None)
    if db.session.get(Connection, old) is not None:
        resumed = _take_over(sid, old, moved)
    else:
        resumed = _restore(sid, session)
        db.session.execute(moved)
        db.session.commit()
    if resumed.actor is not None:
        broadcast.subscribe(sid, broadcast.user_channel(resumed.actor.user_id))
    for room in resumed.rooms:
        broadcast.subscribe(sid, broadcast.room_channel(room.id))
    resumed.guest_name_asked = guest_name_asked
    resumed.presence = presence
    return resumed


def _take_over(sid: str, old: str, moved) -> Resumed:
    """One transaction (a restart's storm is thousands of these): the old socket's rows
    move to the new one, and the session (``moved``) names it."""
    db.session.execute(moved)  # first: locks in the order the reaper takes them (PostgreSQL)
    connection = db.session.get(Connection, old)
    lock_users([connection.user_id])
    keep_parked_awake(connection.process_id)
    user = db.session.get(User, connection.user_id)
    db.session.add(Connection(sid=sid, user_id=user.id, process_id=current_process_id()))
    db.session.flush()
    db.session.execute(update(RoomPresence).where(RoomPresence.sid == old).values(sid=sid))
    db.session.execute(delete(Connection).where(Connection.sid == old))
    rooms = [ResumedRoom(room_id, kind) for room_id, kind in db.session.execute(
        select(Room.id, Room.kind).join(RoomPresence, RoomPresence.room_id == Room.id)
        .where(RoomPresence.sid == sid))]
    actor = Actor.of(user)
    db.session.commit()
    return Resumed(actor, rooms)


def _restore(sid: str, session: RecoverySession) -> Resumed:
    user = db.session.get(User, session.user_id) if session.user_id is not None else None
    if user is None:
        return Resumed(None)
    lock_users([user.id])
    was_online = presence_queries.user_is_online(user.id)
    renamed = not was_online and user.is_guest and presence_queries.guest_name_taken_by_other(
        user.username, user.id)
    if renamed:
        # Someone else goes by this guest's name now (it was free while the guest was away,
        # or claimed the moment it came back): no two people online share a name, so the
        # guest comes back under a free one, as a new guest asking for it would, and is told.
        user.username = free_guest_name(user.username, asked_for=False)
    actor = Actor.of(user)
    token = issue_token(user) if renamed else None
    db.session.add(Connection(sid=sid, user_id=user.id, process_id=current_process_id()))
    db.session.commit()
    if token is not None:
        broadcast.session_info(sid, user_payload(actor), token)
    if not was_online:
        broadcast.user_online(user_payload(actor), skip_sid=sid)
    rooms = []
    for room_id in json.loads(session.room_ids or "[]"):
        room = db.session.get(Room, room_id)
        if room is None:
            continue
        try:
            authz.check_can_see(actor, room)
        except ChatError:  # banned, or no longer a member of a private room, meanwhile
            continue
        resumed_room = ResumedRoom(room.id, room.kind)  # (entering commits)
        _re_enter(sid, actor, room)
        rooms.append(resumed_room)
    return Resumed(actor, rooms)


def _re_enter(sid: str, actor: Actor, room: Room) -> None:
    """Enter a room again, announced as a join is (the departure was announced)."""
    already_in, user_was_there = enter_room(sid, actor.user_id, room.id)
    if already_in:
        return
    only = sid if user_was_there else None
    if room.kind == ROOM_KIND_EVENT:
        participants = event_queries.participants(room.id)
        event_participants.user_joined(room.id, actor.username, participants, utcnow(),
                                       only_sid=only)
        event_participants.counts_changed(room.id)
        return
    broadcast.room_user_joined(room.id, user_payload(actor), isoformat_z(utcnow()),
                               only_sid=only)
    broadcast.rooms_update(room.id, presence_queries.room_users_count(room.id),
                           private=room.is_private)
