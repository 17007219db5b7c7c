"""The default namespace: both wire protocols live on ``/`` (their event names do not collide)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import gevent
import gevent.lock
from flask import request, session

from chatapp.actions.messages import RoomRef
from chatapp.actions.presence import do_park_sockets, do_remove_socket, do_remove_sockets
from chatapp.actions.recovery import do_resume_session
from chatapp.actions.recovery_sessions import (
    do_end_session,
    do_keep_session,
    do_keep_sessions,
    do_start_session,
)
from chatapp.actions.sessions import do_login
from chatapp.cluster.lifecycle import shutting_down
from chatapp.errors import AuthFailed
from chatapp.extensions import db, socketio
from chatapp.models.room import ROOM_KIND_COMMUNITY, ROOM_KIND_EVENT
from chatapp.observability import metrics
from chatapp.realtime import broadcast, recovery_log
from chatapp.realtime.community import COMMUNITY_EVENTS, CommunityHandlers
from chatapp.realtime.dispatch import ProtocolNamespace
from chatapp.realtime.event_stage import STAGE_EVENTS, ReactionHandlers, StageHandlers
from chatapp.realtime.live_events import LIVE_EVENT_EVENTS, LiveEventHandlers
from chatapp.realtime.message_features import (
    MESSAGE_FEATURE_EVENTS,
    MessageFeatureHandlers,
)
from chatapp.realtime.moderation import MODERATION_EVENTS, ModerationHandlers
from chatapp.realtime.presence import (
    PRESENCE_EVENTS,
    PresenceHandlers,
    presence_channels_of,
    restore_presence,
    subscribe_legacy,
)
from chatapp.realtime.recovery_server import take_handshake
from chatapp.realtime.socket_state import forget, local_sids, state_of
from chatapp.security.identity import user_from_session

# Disconnects after which a session is not resumed (as in socket.io): the server closed this
# socket on purpose (logout, kick, a password change) or the client said goodbye.
NOT_RESUMABLE = frozenset({"server disconnect", "client disconnect"})


# Shutdown: the sockets closed by hand_off_every_socket, cleared together afterwards.
_handing_off: list[str] | None = None
# Departures in progress at once: a few (they wait on PostgreSQL), never thousands.
_departures = gevent.lock.BoundedSemaphore(4)
_departing: set = set()  # the greenlets holding a turn


@contextmanager
def departure_turn() -> Iterator[None]:
    """A turn to clear a departed socket, after a turn of the event loop (a timer, not a bare
    switch). When thousands of connections end at once (the end of a talk) every reader gets
    here in the same turn of the loop; they used to run their departures back to back, tens
    of seconds in which no timer fired, not even the one that tells gunicorn's arbiter the
    worker is alive (it killed the worker: WORKER TIMEOUT, every socket dropped)."""
    me = gevent.getcurrent()
    if me in _departing:  # a departure that closed another socket already has a turn
        yield
        return
    with _departures:
        _departing.add(me)
        try:
            gevent.sleep(0.001)
            yield
        finally:
            _departing.discard(me)


class ChatNamespace(CommunityHandlers, LiveEventHandlers, ModerationHandlers,
                    MessageFeatureHandlers, StageHandlers, ReactionHandlers, PresenceHandlers,
                    ProtocolNamespace):
    EVENTS = {**COMMUNITY_EVENTS, **LIVE_EVENT_EVENTS, **MODERATION_EVENTS,
              **MESSAGE_FEATURE_EVENTS, **STAGE_EVENTS, **PRESENCE_EVENTS}
    FAST_EVENTS = ReactionHandlers.FAST_EVENTS

    def on_connect(self, auth=None):
        """A socket resuming its session (``auth: {pid, offset}``, see
        :mod:`chatapp.realtime.recovery_server`) is who it was, where it was, and gets what it
        missed. Otherwise a handshake carrying ``auth: {token}`` is identified at once; a bad
        token gets ``auth:error`` and the socket stays anonymous (it may still log in as a
        guest)."""
        state = state_of(request.sid)  # from now on the socket is known (see ProtocolNamespace)
        handshake = take_handshake(request.sid)
        if handshake is not None and handshake.resume_after is not None:
            self._resume(state, handshake)
            return None
        subscribe_legacy(request.sid)
        if handshake is not None:
            do_start_session(request.sid, handshake.pid)
        token = auth.get("token") if isinstance(auth, dict) else None
        session_user = None if token else user_from_session(session)
        if not token and session_user is None:
            return None
        try:
            result = do_login(request.sid, token=token, session_user=session_user,
                              anonymous_socket=True)
        except AuthFailed as error:
            broadcast.auth_error(request.sid, error.message)
            return None
        state_of(request.sid).actor = result.actor
        return None

    def _resume(self, state, handshake) -> None:
        sid = request.sid
        try:
            resumed = do_resume_session(sid, handshake.pid)
        except Exception:
            # Never half-resumed: the client is told it starts afresh by a plain disconnect
            # and reconnect would be worse than a socket with no identity, so it stays
            # connected, unheld, and may log in again.
            db.session.rollback()
            recovery_log.forget_socket(sid)
            metrics.recovery("failed")
            raise
        state.actor = resumed.actor
        state.guest_name_asked = resumed.guest_name_asked
        for room in resumed.rooms:
            if room.kind == ROOM_KIND_EVENT:
                state.event = RoomRef(room.id, ROOM_KIND_EVENT)
            else:
                state.rooms[room.id] = RoomRef(room.id, ROOM_KIND_COMMUNITY)
        channels = [broadcast.room_channel(room.id) for room in resumed.rooms]
        channels += restore_presence(sid, resumed.presence, [
            room.id for room in resumed.rooms if room.kind == ROOM_KIND_EVENT])
        if resumed.actor is not None:
            channels.append(broadcast.user_channel(resumed.actor.user_id))
        recovery_log.replay(sid, handshake.pid, handshake.resume_after, channels,
                            lambda event, data, offset, paced=False:
                            socketio.server.send_logged_event(sid, event, data, offset,
                                                              paced=paced))
        metrics.recovery("recovered")

    def on_disconnect(self, reason=None, *_):
        sid = request.sid
        try:
            if _handing_off is not None:
                _handing_off.append(sid)
                return
            with departure_turn():
                if recovery_log.pid_of(sid) is not None:
                    if reason in NOT_RESUMABLE and not shutting_down():
                        do_end_session(sid)  # logged out, kicked or closed by the client
                    else:
                        do_keep_session(sid, state_of(sid).guest_name_asked,
                                        presence_channels_of(sid))
                do_remove_socket(sid)
        finally:
            recovery_log.forget_socket(sid)
            take_handshake(sid)
            forget(sid)


def hand_off_every_socket() -> None:
    """Shutdown: keep the sessions of every socket of this process, close them all, then
    park the presence of the resumable ones (:func:`do_park_sockets`: their clients take it
    over when they resume, unannounced) and clear the others', each step in one transaction
    (one disconnect handler at a time was two commits and a round of announcements per
    socket: for thousands of sockets, longer than gunicorn's graceful timeout). The sessions
    are kept first because a client reconnects elsewhere the moment its socket closes and
    must find its session there. Needs an app context."""
    global _handing_off
    resumable = [sid for sid in local_sids() if recovery_log.pid_of(sid) is not None]
    do_keep_sessions(resumable, {sid: state_of(sid).guest_name_asked for sid in resumable},
                     {sid: presence_channels_of(sid) for sid in resumable})
    _handing_off = []
    try:
        socketio.server.eio.disconnect()
    finally:
        gone, _handing_off = _handing_off, None
    kept = set(resumable)
    do_park_sockets([sid for sid in gone if sid in kept])
    do_remove_sockets([sid for sid in gone if sid not in kept])


def register_sockets() -> None:
    socketio.on_namespace(ChatNamespace("/"))
