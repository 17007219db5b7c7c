"""A namespace base class mapping protocol event names to methods, with one error policy.

Every handler returns the acknowledgement payload. A :class:`ChatError` becomes
``{"ok": false, "error": ...}`` plus an ``error`` event for clients without callbacks; anything
unexpected is logged and refused as ``internal`` without taking the process down. The database
session is always ended afterwards (Flask-SQLAlchemy's teardown does not run for socket events).

This is also where every handled event is measured (``chat_socket_handler_seconds``) and
every refusal counted (``chat_refusals_total``) and logged, with its code, never its payload.
"""
from __future__ import annotations

import logging
from time import perf_counter

from flask import request
from flask_socketio import Namespace

from chatapp.errors import ChatError, Invalid
from chatapp.extensions import db
from chatapp.observability import logs, metrics
from chatapp.realtime import broadcast
from chatapp.realtime.socket_state import has_state
from chatapp.security.client_address import client_ip
from chatapp.validation import check_payload

log = logging.getLogger(__name__)


def ok(**fields) -> dict:
    return {"ok": True, **fields}


class ProtocolNamespace(Namespace):
    """Subclasses list ``EVENTS``: client event name -> method name."""

    EVENTS: dict[str, str] = {}
    # Events with a fast path that may answer without Flask's request context: method name
    # -> ``method(sid, *args)`` returns the acknowledgement, or None to take the ordinary
    # path (which then refuses as usual). For the hottest events only (``react``), where
    # the request context, session and URL matching cost ten times the handler itself.
    FAST_EVENTS: dict[str, str] = {}

    def trigger_event(self, event, *args):
        fast = self.FAST_EVENTS.get(event)
        if fast is not None:
            started = perf_counter()
            answer = getattr(self, fast)(*args)
            if answer is not None:
                metrics.handler_finished(event, perf_counter() - started)
                return answer
        if event in ("connect", "disconnect"):
            if self._is_client_event_named_like_lifecycle(event, args[0]):
                return None
            method = getattr(self, f"on_{event}")
        else:
            name = self.EVENTS.get(event)
            if name is None:
                return None  # unknown events are ignored, as Socket.IO servers do
            method = getattr(self, name)
        return self.socketio._handle_event(self._guarded(event, method), event, self.namespace,
                                           *args)

    def _is_client_event_named_like_lifecycle(self, event: str, sid: str) -> bool:
        """A client may emit an ordinary event called "connect" or "disconnect"; only the
        server's own lifecycle calls may reach the handlers. A real disconnect runs while the
        socket is already marked as leaving; a real connect runs before the socket has state."""
        if event == "disconnect":
            return self.server.manager.is_connected(sid, self.namespace)
        return has_state(sid)

    @staticmethod
    def _guarded(event: str, method):
        def run(*args):
            started = perf_counter()
            try:
                if event == "disconnect":  # before the handler forgets who the socket was
                    log.info("socket disconnected")
                else:
                    args = checked_arguments(event, args)
                result = method(*args)
                if event == "connect":
                    log.info("socket connected", extra={"remote": client_ip()})
                return result
            except ChatError as error:
                db.session.rollback()
                return refuse(event, error)
            except Exception:
                log.exception("handler for %r failed", event)
                db.session.rollback()
                return refuse(event, ChatError("the server could not process this request"),
                              code="internal")
            finally:
                db.session.remove()
                metrics.handler_finished(event, perf_counter() - started)
        return run


def checked_arguments(event: str, args: tuple) -> tuple:
    """The event's arguments if every string in them is valid Unicode and they nest at most
    :data:`~chatapp.validation.MAX_PAYLOAD_DEPTH` deep (raises :class:`Invalid` otherwise), so
    no handler meets a lone surrogate. A handshake ``auth`` that fails is dropped instead: the
    socket connects anonymously, as with no ``auth`` at all."""
    try:
        check_payload(args, "payload")
    except Invalid:
        if event == "connect":
            return ()
        raise
    return args


def refuse(event: str, error: ChatError, *, code: str | None = None) -> dict | None:
    return refuse_socket(request.sid, event, error, code=code)


def refuse_socket(sid: str, event: str, error: ChatError, *,
                  code: str | None = None) -> dict | None:
    """As :func:`refuse`, for a socket named outright (a fast path has no request context)."""
    body = error.to_dict()
    if code:
        body["code"] = code
    metrics.refused(body["code"], "socket")
    if body["code"] != "internal":  # an internal failure was logged with its traceback
        logs.log_refusal("socket", event, body["code"])
    if event in ("connect", "disconnect"):
        return None
    broadcast.refusal(sid, event, body)
    return {"ok": False, "error": body}
