"""The default namespace: both wire protocols live on ``/`` (their event names do not collide)."""
from __future__ import annotations

from flask import request, session

from chatapp.actions.presence import do_remove_socket
from chatapp.actions.sessions import do_login
from chatapp.errors import AuthFailed
from chatapp.extensions import socketio
from chatapp.realtime import broadcast
from chatapp.realtime.community import COMMUNITY_EVENTS, CommunityHandlers
from chatapp.realtime.dispatch import ProtocolNamespace
from chatapp.realtime.live_events import LIVE_EVENT_EVENTS, LiveEventHandlers
from chatapp.realtime.moderation import MODERATION_EVENTS, ModerationHandlers
from chatapp.realtime.presence import (
    PRESENCE_EVENTS,
    PresenceHandlers,
    subscribe_legacy,
)
from chatapp.realtime.socket_state import forget, state_of
from chatapp.security.identity import user_from_session


class ChatNamespace(CommunityHandlers, LiveEventHandlers, ModerationHandlers, PresenceHandlers,
                    ProtocolNamespace):
    EVENTS = {**COMMUNITY_EVENTS, **LIVE_EVENT_EVENTS, **MODERATION_EVENTS, **PRESENCE_EVENTS}

    def on_connect(self, auth=None):
        """A handshake carrying ``auth: {token}`` is identified at once; a bad token gets
        ``auth:error`` and the socket stays anonymous (it may still log in as a guest)."""
        state_of(request.sid)  # from now on the socket is known (see ProtocolNamespace)
        subscribe_legacy(request.sid)
        token = auth.get("token") if isinstance(auth, dict) else None
        session_user = None if token else user_from_session(session)
        if not token and session_user is None:
            return None
        try:
            result = do_login(request.sid, token=token, session_user=session_user)
        except AuthFailed as error:
            broadcast.auth_error(request.sid, error.message)
            return None
        state_of(request.sid).actor = result.actor
        return None

    def on_disconnect(self, *_):
        try:
            do_remove_socket(request.sid)
        finally:
            forget(request.sid)


def register_sockets() -> None:
    socketio.on_namespace(ChatNamespace("/"))
