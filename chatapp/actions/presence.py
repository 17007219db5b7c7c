"""Socket presence in rooms and the announcements that follow a departure.

Shared by leaving a room, disconnecting and reaping the sockets of a dead process, so a socket
that vanishes is announced exactly as one that left politely.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_, select, update

from chatapp.actions.event_viewers import note_viewers
from chatapp.actions.recovery_sessions import persist_sessions
from chatapp.cluster.process_registry import add_parked_process
from chatapp.errors import NotMember
from chatapp.extensions import db
from chatapp.models import Connection, RecoverySession, Room, RoomPresence, ServerProcess, User
from chatapp.models.presence import PARKED_SUFFIX
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries import events as event_queries
from chatapp.queries import presence as presence_queries
from chatapp.queries.users import wire_id_of
from chatapp.realtime import broadcast, event_participants
from chatapp.serializers import wire_user_id
from chatapp.timeutil import isoformat_z, utcnow


def rooms_of_socket(sid: str) -> list[Room]:
    stmt = select(Room).join(RoomPresence, RoomPresence.room_id == Room.id).where(
        RoomPresence.sid == sid)
    return list(db.session.scalars(stmt))


def lock_users(user_ids) -> None:
    """Serialise presence changes of these users across processes until the commit.

    Whether a user "arrives" or "leaves" depends on their other tabs, possibly on another
    process at the same moment; deciding under the user's row lock (in id order, so two
    lockers never deadlock) makes exactly one of two racing tabs the one that announces.
    SQLite has no row locks, but its single writer already serialises."""
    ids = sorted(set(user_ids))
    if ids:
        db.session.execute(select(User.id).where(User.id.in_(ids)).order_by(User.id)
                           .with_for_update())


def enter_room(sid: str, user_id: int, room_id: int) -> tuple[bool, bool]:
    """Record socket ``sid`` in a room (committed) and subscribe it to the room's channel.

    Returns ``(socket_was_in, user_was_in)``: whether this socket, and whether any live socket
    of the user (another tab), was already there, which decides who hears of the arrival."""
    lock_users([user_id])
    socket_was_in = db.session.get(RoomPresence, (sid, room_id)) is not None
    user_was_in = presence_queries.user_has_presence_in_room(user_id, room_id)
    if not socket_was_in:
        db.session.add(RoomPresence(sid=sid, room_id=room_id))
        db.session.commit()
    broadcast.subscribe(sid, broadcast.room_channel(room_id))
    return socket_was_in, user_was_in


def unsubscribe_room(sid: str, room: Room) -> None:
    """Take a socket of this process out of a room's channels (an event has two)."""
    for channel in event_participants.channels_of_room(
            room.id, is_event=room.kind == ROOM_KIND_EVENT):
        broadcast.unsubscribe(sid, channel)


def leave_room(sid: str, user_id: int, username: str, room: Room) -> None:
    """Take socket ``sid`` out of a room (committed), unsubscribe it and announce it; raise
    :class:`NotMember` if it was not there."""
    lock_users([user_id])
    presence = db.session.get(RoomPresence, (sid, room.id))
    if presence is None:
        db.session.rollback()
        where = "this event" if room.kind == ROOM_KIND_EVENT else f"room {room.id}"
        raise NotMember(f"you are not in {where}")
    db.session.delete(presence)
    db.session.flush()
    user_gone = not presence_queries.user_has_presence_in_room(user_id, room.id)
    db.session.commit()
    unsubscribe_room(sid, room)
    announce_departure(room, user_id, username, user_gone=user_gone)


def announce_departure(room: Room, user_id: int, username: str, *, user_gone: bool) -> None:
    """Tell a room that a socket of ``user_id`` left it (committed already), in the room's
    protocol: ``room:user:left`` + ``rooms:update``, or ``userLeft`` + ``events:update``.
    The "left" event goes out only when it was the user's last socket in the room
    (``user_gone``, decided under the user's lock before the commit)."""
    now = utcnow()
    timestamp = isoformat_z(now)
    if room.kind == ROOM_KIND_EVENT:
        event = event_queries.event_of_room(room.id)
        participants = event_queries.participants_after_commit(room.id)
        with broadcast.at_commit():  # the figures and the departure: one transaction
            if user_gone:
                event_participants.user_left(room.id, username, participants, now)
            if event is not None:
                note_viewers(event.id, len(participants))
        if event is not None:
            event_participants.counts_changed(room.id)
        return
    if user_gone:
        broadcast.room_user_left(room.id, wire_id_of(user_id), timestamp)
    broadcast.rooms_update(room.id, presence_queries.room_users_count(room.id), private=room.is_private)


def do_remove_socket(sid: str, *, unsubscribe: bool = False) -> None:
    """Forget one socket; see :func:`do_remove_sockets`. ``unsubscribe`` also takes a socket
    that stays connected (it switches identity) out of its rooms' and user's channels."""
    do_remove_sockets([sid], unsubscribe=unsubscribe)


def do_remove_sockets(sids: list[str], *, unsubscribe: bool = False) -> None:
    """Forget sockets entirely: their rooms, then the sockets themselves, in one transaction.

    Then each user who left a room is announced once per room, and ``user:offline`` goes out
    for each user left with no socket anywhere. Works for sockets of any process, so a dead
    process's sockets are cleared exactly as a disconnect would clear them."""
    owners = db.session.scalars(select(Connection.user_id).where(Connection.sid.in_(sids))).all()
    if not owners:
        return
    lock_users(owners)
    connections = db.session.scalars(select(Connection).where(Connection.sid.in_(sids))).all()
    holders = {c.user for c in connections}
    users = {c.user_id: c.user.username for c in connections}
    wire_ids = {c.user_id: wire_user_id(c.user) for c in connections}
    departures: dict[tuple[int, int], Room] = {}
    for connection in connections:
        for room in rooms_of_socket(connection.sid):
            departures[(room.id, connection.user_id)] = room
            if unsubscribe:
                unsubscribe_room(connection.sid, room)
        if unsubscribe:
            broadcast.unsubscribe(connection.sid, broadcast.user_channel(connection.user_id))
    found = [c.sid for c in connections]
    db.session.execute(delete(RoomPresence).where(RoomPresence.sid.in_(found)))
    db.session.execute(delete(Connection).where(Connection.sid.in_(found)))
    gone_from_room = {key: not presence_queries.user_has_presence_in_room(key[1], key[0])
                      for key in departures}
    offline = [user_id for user_id in users if not presence_queries.user_is_online(user_id)]
    if offline:  # the old REST auth's lastSeen
        db.session.execute(update(User).where(User.id.in_(offline)).values(last_seen_at=utcnow()))
    db.session.commit()
    # Each announcement below commits its recovery-log row (SQLite), and every commit expires
    # every object the session holds: with the connections and their users still held, a
    # shutdown's N departures cost N x 2N expiries (1,000 sockets: two thirds of the time the
    # hand-off took). Nothing below or in the callers reads them again.
    for row in (*connections, *holders):
        if row in db.session:  # the bulk delete may have let a connection go already
            db.session.expunge(row)
    for key, room in departures.items():
        announce_departure(room, key[1], users[key[1]], user_gone=gone_from_room[key])
    for user_id in offline:
        broadcast.user_offline(wire_ids[user_id])


def do_reap_dead_processes(reaper_id: str, *, also_dead: list[str] = ()) -> int:
    """Clear the sockets of processes whose heartbeat went stale (or that are known dead),
    and those parked at a shutdown that nobody came back for within ``HANDOFF_GRACE``,
    announcing each departure as a disconnect would. Each dead process is claimed first so
    that when several survivors reap at once, only one announces. Returns sockets cleared."""
    cutoff = presence_queries.alive_cutoff()
    parked_cutoff = presence_queries.parked_cutoff()
    candidates = db.session.scalars(select(ServerProcess.id).where(
        ServerProcess.reaped_by.is_(None),
        ServerProcess.id != reaper_id,
        or_(ServerProcess.heartbeat_at < cutoff, ServerProcess.id.in_(list(also_dead)),
            ServerProcess.id.endswith(PARKED_SUFFIX) & (ServerProcess.heartbeat_at < parked_cutoff)),
    )).all()
    cleared = 0
    for process_id in candidates:
        claimed = db.session.execute(
            update(ServerProcess).where(ServerProcess.id == process_id,
                                        ServerProcess.reaped_by.is_(None))
            .values(reaped_by=reaper_id, heartbeat_at=cutoff - timedelta(days=1)))
        db.session.commit()
        if claimed.rowcount != 1:
            continue
        sids = db.session.scalars(
            select(Connection.sid).where(Connection.process_id == process_id)).all()
        persist_sessions(list(sids))  # their clients may resume on a live process
        do_remove_sockets(list(sids))
        cleared += len(sids)
        db.session.execute(delete(ServerProcess).where(ServerProcess.id == process_id))
        db.session.commit()
    return cleared


def do_park_sockets(sids: list[str]) -> None:
    """Shutdown: the presence of these sockets (just closed, their sessions kept) moves to a
    placeholder process row instead of being announced gone. A client that resumes on a live
    process takes its rows over silently (:func:`chatapp.actions.recovery.do_resume_session`):
    to everyone else nothing happened. Announcing them would have cost a restart N
    departures, then N arrivals, each replayed to each of the N resuming sockets: N^2 frames.

    What nobody takes over is announced gone once no client has come back to the placeholder
    for ``HANDOFF_GRACE`` (:func:`do_reap_dead_processes`), as after a crash. A client that
    cannot resume (python-socketio, socket.io-client before 4.6) reconnects as a new socket:
    its guest name is given back to it when it logs in again (``sessions.name_taken``), and
    its old rooms count it until the grace ends."""
    if not sids:
        return
    parked = add_parked_process()
    db.session.execute(update(Connection).where(Connection.sid.in_(sids))
                       .values(process_id=parked))
    db.session.commit()


def do_release_parked_name(name: str) -> bool:
    """A guest logging in as ``name``, which only sockets parked at a shutdown hold: most
    likely the same person, back on a client that cannot resume. The parked sockets are
    cleared (announced gone, as the grace's end would) and their sessions ended, so the name
    is free and nobody else resumes as that guest later. Whoever it is, a guest's name was
    never proof of identity: a clean disconnect frees it at once. Returns whether any were
    cleared."""
    sids = presence_queries.parked_sockets_of_guest_name(name)
    if sids:
        db.session.execute(delete(RecoverySession).where(RecoverySession.sid.in_(sids)))
        do_remove_sockets(sids)  # commits the above with it
    return bool(sids)
