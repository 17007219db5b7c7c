"""Socket.IO connection state recovery on python-socketio's server.

python-socketio (5.x) does not speak this part of the v4.6+ protocol, and Flask-SocketIO
builds the ``socketio.Server`` itself, so :func:`install` gives that very instance this
subclass (keeping every option Flask-SocketIO passed). It changes two things, both before the
connect handler runs, because the answer to CONNECT is sent first (``always_connect``):

- it reads ``{pid, offset}`` from the CONNECT packet's auth and decides whether the session
  can be resumed (known, not past ``RECOVERY_WINDOW``, the offset well-formed);
- it adds ``pid`` to the CONNECT answer (``{sid, pid}``): the resumed session's own pid, or a
  new one. socket.io-client sets ``socket.recovered`` when the pid it sent comes back.

It also refuses new handshakes once the process is shutting down (SIGTERM hand-off).

A resuming socket is held (its live events dropped, see :mod:`recovery_log`) from the moment
it exists until the connect handler has replayed what it missed.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

import socketio
from engineio import packet as eio_packet
from flask import Flask
from socketio import packet

from chatapp.cluster.lifecycle import shutting_down
from chatapp.extensions import db
from chatapp.models import RecoverySession
from chatapp.observability import metrics
from chatapp.realtime import packets, recovery_log, replay_cache
from chatapp.realtime.engine.frames import frame_of
from chatapp.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handshake:
    pid: str
    resume_after: int | None  # the offset to replay after, or None for a fresh session


_pending_by_eio: dict[str, Handshake] = {}
_pending_by_sid: dict[str, Handshake] = {}


def parse_offset(value: object) -> int | None:
    """socket.io-client sends back the last offset it saw, a string; ours are decimal ids."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 19:
        return int(value)
    return None


def resumable(app: Flask, auth: object) -> Handshake:
    """The session a CONNECT resumes, or a fresh one (counting the outcome if one was asked)."""
    fresh = Handshake(secrets.token_urlsafe(16), None)
    if not isinstance(auth, dict) or not isinstance(auth.get("pid"), str):
        return fresh
    pid, raw_offset = auth["pid"], auth.get("offset")
    offset = parse_offset(raw_offset)
    if len(pid) > 40 or (raw_offset is not None and offset is None):
        metrics.recovery("invalid")
        return fresh
    with app.app_context():
        try:
            session = db.session.get(RecoverySession, pid)
            if session is None:
                metrics.recovery("unknown")
                return fresh
            window = timedelta(seconds=app.config["RECOVERY_WINDOW"])
            if session.disconnected_at is not None and session.disconnected_at + window < utcnow():
                metrics.recovery("expired")
                return fresh
            return Handshake(pid, offset if offset is not None else session.start_offset)
        except Exception:
            log.exception("could not look up a recovery session")
            metrics.recovery("failed")
            return fresh
        finally:
            db.session.remove()


class RecoveringServer(socketio.Server):
    """See the module's docstring. ``_recovery_app`` is set by :func:`install`."""

    _recovery_app: Flask

    def _handle_connect(self, eio_sid, namespace, data):
        app = self._recovery_app
        if app.config["CONNECTION_STATE_RECOVERY"]:
            _pending_by_eio[eio_sid] = resumable(app, data)
        try:
            return super()._handle_connect(eio_sid, namespace, data)
        finally:
            _pending_by_eio.pop(eio_sid, None)

    def _send_packet(self, eio_sid, pkt):
        handshake = _pending_by_eio.get(eio_sid)
        if (handshake is not None and pkt.packet_type == packet.CONNECT
                and isinstance(pkt.data, dict) and "sid" in pkt.data):
            sid = pkt.data["sid"]
            pkt.data = {**pkt.data, "pid": handshake.pid}
            _pending_by_sid[sid] = handshake
            recovery_log.register_socket(sid, handshake.pid)
            if handshake.resume_after is not None:
                recovery_log.hold(sid)
        return super()._send_packet(eio_sid, pkt)

    def handle_request(self, environ, start_response):
        """A process shutting down opens no new session (SIGTERM hand-off): a handshake (a
        request without ``sid``) is answered 503 and the client tries again, elsewhere. The
        connection is closed too: kept alive, it would hold the worker's graceful wait (30 s)."""
        if shutting_down() and "sid=" not in environ.get("QUERY_STRING", ""):
            start_response("503 Service Unavailable", [("Content-Type", "text/plain"),
                                                       ("Retry-After", "1"),
                                                       ("Connection", "close")])
            return [b"shutting down"]
        return super().handle_request(environ, start_response)

    def send_logged_event(self, sid: str, event: str, data, offset: str,
                          namespace: str = "/", *, paced: bool = False) -> bool:
        """Send one replayed event straight to a socket, past the manager (and its holds).
        ``paced``: first wait until the socket's backlog is under half its cap (a large
        replay goes out as fast as the client reads it, never tripping the cap on a reader);
        a client that reads nothing for the ping timeout is cut. False: the socket is gone."""
        eio_sid = self.manager.eio_sid_from_sid(sid, namespace)
        if eio_sid is None:
            return False
        sock = self.eio.sockets.get(eio_sid)
        cap = getattr(sock, "max_queued_bytes", 0)
        if paced and cap and not sock.wait_for_backlog(cap // 2, self.eio.ping_timeout):
            return False
        if getattr(sock, "tcp", None) is not None and not sock.closed:
            # A framed socket: the frame every resumer of this event shares (replay_cache).
            if sock.check_ping_timeout():
                sock.write_frame(replay_cache.frame(
                    int(offset), event, data, lambda: self._frame(event, data, offset, namespace)))
            return True
        super()._send_packet(eio_sid, self.packet_class(
            packet.EVENT, namespace=namespace, data=[event, data, offset]))
        return True

    def _frame(self, event: str, data, offset: str, namespace: str) -> bytes:
        """The WebSocket frame python-socketio and the engine would send for this event (a
        logged event is JSON: one text packet)."""
        encoded = self.packet_class(packet.EVENT, namespace=namespace,
                                    data=[event, data, offset]).encode()
        return frame_of(eio_packet.Packet(eio_packet.MESSAGE, data=encoded))


def take_handshake(sid: str) -> Handshake | None:
    """What the CONNECT of ``sid`` decided (once; None when recovery is off)."""
    return _pending_by_sid.pop(sid, None)


def install(app: Flask, server: socketio.Server) -> None:
    server.__class__ = RecoveringServer
    server.packet_class = packets.Packet  # the stock one, with a quicker binary check
    server._recovery_app = app
