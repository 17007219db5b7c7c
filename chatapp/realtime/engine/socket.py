"""An Engine.IO socket that writes WebSocket frames itself, without a writer greenlet.

python-engineio's stock socket queues every packet for a writer greenlet, which encodes and
frames it again for each recipient, one system call per frame. :class:`FramedSocket` keeps the
stock behaviour for polling and, once a socket speaks WebSocket, sends the packet's shared frame
(:func:`frame_of`) straight to the TCP socket with a non-blocking ``send``:

- the frame joins what waits for the socket and goes to the kernel at the end of the event
  loop's turn, with everything else the socket got in that turn, in one system call (no
  writer greenlet, no greenlet switch; see :mod:`chatapp.realtime.engine.writes`);
- what the kernel does not take at once (the client reads slower than we write) stays in
  :attr:`pending`, and one drain greenlet, alive only while there is a backlog, writes it in
  order. Per-socket order is therefore the order of ``send`` calls, as before.

Memory is bounded per socket: past ``max_queued_bytes`` of backlog the client is disconnected
and its TCP connection shut down (docs/deploy.md, ``SOCKET_MAX_QUEUED_BYTES``); a client that
stops reading while its room is idle stops answering pings and is closed by the ping timeout.
"""
from __future__ import annotations

import socket as _stdlib_socket
import time
from typing import Any

import gevent
import gevent.socket
from engineio import packet as eio_packet
from engineio import socket as eio_socket

from chatapp.realtime.engine.frame_input import use_frame_input
from chatapp.realtime.engine.frames import close_frame, frame_of
from chatapp.realtime.engine.handover import detach, read_in_own_greenlet
from chatapp.realtime.engine.idle_memory import NO_QUEUE
from chatapp.realtime.engine.reading import QuickReading
from chatapp.realtime.engine.turns import ReaderTurn
from chatapp.realtime.engine.writes import SocketWrites

# How long the reader may wait for the client's own close before the TCP connection is cut.
CLOSE_GRACE_SECONDS = 2.0


def tcp_socket_of(ws: Any) -> Any | None:
    """The gevent TCP socket under python-engineio's gevent-websocket wrapper (``ws._sock``
    is gevent-websocket's ``WebSocket``; its handler holds the connection), or None for any
    other WebSocket implementation, which then keeps the stock writer."""
    handler = getattr(getattr(ws, "_sock", None), "handler", None)
    tcp = getattr(handler, "socket", None)
    return tcp if hasattr(tcp, "send") and hasattr(tcp, "shutdown") else None


class FramedSocket(SocketWrites, eio_socket.Socket):
    """See the module docstring. Becomes the class of every socket of the engine (see
    :func:`chatapp.realtime.engine.install`) before it sends its first WebSocket frame."""

    @staticmethod
    def adopt(sock: eio_socket.Socket, max_queued_bytes: int) -> None:
        """Make a stock socket (just created, still on its queue) a :class:`FramedSocket`
        whose backlog may hold up to ``max_queued_bytes`` (0: no cap)."""
        sock.__class__ = FramedSocket
        self = sock
        self.max_queued_bytes = max_queued_bytes
        self.tcp = None  # set once the socket speaks WebSocket: from then on, direct writes
        # A list, not a deque: an empty deque takes 760 bytes, and nearly every socket's
        # backlog is empty nearly all the time (the drain takes it off in batches).
        self.pending: list[bytes | memoryview] = []
        self.pending_bytes = 0
        self.writer = None  # "corked": flushed at the end of the loop's turn; "draining"
        self.shutdown_when_drained = False
        self.cut = False  # the TCP connection was shut down: nothing more is written

    # --- sending -------------------------------------------------------------------------

    def send(self, pkt: eio_packet.Packet) -> None:
        if self.tcp is None:
            return super().send(pkt)  # polling, or still upgrading: the stock queue
        if self.check_ping_timeout():
            self.write_frame(frame_of(pkt))

    def check_ping_timeout(self) -> bool:
        """As python-engineio's, but a client that missed its pong is closed in a greenlet of
        its own: closing runs the disconnect handler, whose announcement reaches others gone
        quiet too; inline, thousands of such closes nested until the recursion limit."""
        if self.closed:
            return super().check_ping_timeout()  # raises, as the stock one does
        last_ping = self.last_ping
        if last_ping and time.time() - last_ping > self.server.ping_timeout:
            if self.has_unread_input():
                return True  # the pong may be there: this server is behind, not the client
            if not self.closing and not getattr(self, "close_scheduled", False):
                self.close_scheduled = True
                self.server.logger.info("%s: Client is gone, closing socket", self.sid)
                gevent.spawn(self.close, wait=False, abort=False,
                             reason=self.server.reason.PING_TIMEOUT)
            return False
        return True

    def has_unread_input(self) -> bool:
        """Whether the client sent bytes this server has not read yet (a peek at the kernel
        socket). A server saturated for longer than the ping timeout (10,000 clients
        resuming at once after a restart) read their pongs too late and took thousands of
        live clients for gone; each came back and resumed again, and their departures and
        returns were announced to everyone: the storm fed itself. A client that really went
        silent has sent nothing since its last frame, so it is still closed in time."""
        tcp = self.tcp
        if type(tcp) is not gevent.socket.socket or self.cut:
            return False
        try:
            return bool(tcp._sock.recv(1, _stdlib_socket.MSG_PEEK))
        except OSError:  # nothing there (EAGAIN), or the connection is broken
            return False

    # --- pings ---------------------------------------------------------------------------

    def schedule_ping(self) -> None:
        """As python-engineio's, but on a timer of the event loop instead of a greenlet that
        sleeps through the ping interval: an idle socket holds no greenlet (stack) for it."""
        if self.last_ping:
            self.last_ping = None
            timer = gevent.get_hub().loop.timer(self.server.ping_interval)
            timer.start(self.ping_due, timer)

    def ping_due(self, timer: Any) -> None:
        """Runs in the event loop: must not block. A direct write never does; on the polling
        transport the stock queue is used from a greenlet."""
        timer.close()
        if self.closing or self.closed:
            return
        self.last_ping = time.time()
        if self.tcp is None:
            self.server.start_background_task(super().send, eio_packet.Packet(eio_packet.PING))
        else:
            self.write_frame(frame_of(eio_packet.Packet(eio_packet.PING)))

    # --- closing -------------------------------------------------------------------------

    def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if self.tcp is None:
            return super().close(wait=wait, abort=abort, reason=reason)
        if self.closed or self.closing:
            return
        self.closing = True
        self.server._trigger_event("disconnect", self.sid,
                                   reason or self.server.reason.SERVER_DISCONNECT,
                                   run_async=False)
        self.closed = True
        if abort or reason == self.server.reason.PING_TIMEOUT:
            # A client that does not answer pings does not read either: writing it a goodbye
            # would only wait for the socket timeout.
            self.abort()
            return
        # Engine.IO CLOSE, then the WebSocket close frame, after whatever is waiting; then the
        # server closes the TCP connection first (RFC 6455 section 7.1.1).
        self.write_frame(frame_of(eio_packet.Packet(eio_packet.CLOSE)))
        self.write_frame(close_frame())
        self.flush()  # now: what the kernel takes at once is not a backlog to wait for
        if self.pending:
            self.shutdown_when_drained = True
        else:
            gevent.spawn_later(CLOSE_GRACE_SECONDS, self.shutdown_tcp)

    def abort(self) -> None:
        """Drop the backlog and cut the TCP connection; the reader then ends the session."""
        self.pending.clear()
        self.pending_bytes = 0
        self.shutdown_tcp()

    def shutdown_tcp(self) -> None:
        tcp = self.tcp
        if tcp is None or self.cut:
            return
        self.cut = True
        try:
            tcp.shutdown(_stdlib_socket.SHUT_RDWR)
        except OSError:
            pass  # already gone

    # --- the connection ------------------------------------------------------------------

    def _websocket_handler(self, ws: Any) -> list:
        tcp = tcp_socket_of(ws)
        if tcp is None:
            return super()._websocket_handler(ws)
        timeout = self.server.ping_interval + self.server.ping_timeout
        tcp.settimeout(timeout)
        ws._sock.__class__ = QuickReading  # frames read without per-byte Python loops
        frame_input = use_frame_input(ws._sock, tcp, timeout)
        if self.connected and not self.finish_upgrade(ws):
            return []
        self.connected = True
        self.upgraded = True
        if frame_input is not None:
            # From here the connection is read by a greenlet of its own (handover.py).
            server = ws._sock.handler.server
            tcp = frame_input.tcp = detach(ws, tcp)
        self.go_direct(tcp)
        # gevent-websocket writes frames of its own (the pong to a WebSocket ping, its close
        # reply) straight to the socket: behind a backlog that was in the middle of one of
        # ours (a corrupt stream), or waiting on the socket beside the drain greenlet (gevent
        # refuses that, which ended the session). They join the same ordered stream instead.
        ws._sock.raw_write = self.write_frame
        self.server.logger.info("%s: Upgrade to websocket successful", self.sid)
        # From here a silent client is the ping check's to close (frame_input.py): no timer
        # per read. Until here (a polling client's upgrade) the timeout guards the reads.
        tcp.settimeout(None)
        if frame_input is None:
            self.read_to_end(ws)
        else:
            read_in_own_greenlet(server, lambda: self.read_to_end(ws, tcp))
        return []

    def read_to_end(self, ws: Any, own_tcp: Any = None) -> None:
        """Read until the connection ends, then end the session. ``own_tcp``: the connection
        was detached from its request (handover.py), so it is closed and the engine forgets
        the socket here, as pywsgi and python-engineio did when the request returned."""
        try:
            self.read_loop(ws)
        finally:
            # The client left (or its connection broke): end the session, cut the connection;
            # first what waits for this turn (the reply to a client's close frame), if the
            # kernel takes it at once.
            try:
                self.flush()
                self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)
                self.abort()
            finally:
                if own_tcp is not None:
                    own_tcp.close()
                    if self.server.sockets.get(self.sid) is self:
                        del self.server.sockets[self.sid]

    def finish_upgrade(self, ws: Any) -> bool:
        """The polling-to-WebSocket upgrade (Engine.IO v4): ``2probe`` -> ``3probe``, a NOOP
        ends the pending poll, then the client's UPGRADE packet. Packets sent meanwhile wait in
        the stock queue (``upgrading``) and are written first by :meth:`go_direct`."""
        self.upgrading = True
        try:
            probe = eio_packet.Packet(encoded_packet=self.receive_frame(ws))
            if probe.packet_type != eio_packet.PING or probe.data != "probe":
                return False
            ws.send(eio_packet.Packet(eio_packet.PONG, data="probe").encode())
            self.queue.put(eio_packet.Packet(eio_packet.NOOP))  # ends the client's poll
            upgrade = eio_packet.Packet(encoded_packet=self.receive_frame(ws))
            return upgrade.packet_type == eio_packet.UPGRADE
        except Exception:  # noqa: BLE001 - a client that hangs up or sends garbage mid-upgrade
            return False
        finally:
            self.upgrading = False

    def go_direct(self, tcp: Any) -> None:
        """Switch to direct writes, first moving what waits in the stock queue (the OPEN
        packet, or what was sent during an upgrade) to the wire, in order (nothing here
        yields, so no packet can overtake them)."""
        self.tcp = tcp
        while not self.queue.empty():
            pkt = self.queue.get(block=False)
            self.queue.task_done()
            if pkt is None:
                self.shutdown_when_drained = True  # closed while upgrading
                break
            if pkt.packet_type != eio_packet.NOOP:
                self.write_frame(frame_of(pkt))
        self.queue = NO_QUEUE  # frees the stock queue (idle_memory.py)
        if self.shutdown_when_drained and not self.pending:
            self.shutdown_tcp()

    def receive_frame(self, ws: Any) -> Any:
        if (data := ws.wait()) and len(data) > self.server.max_http_buffer_size:
            raise ValueError("packet is too large")
        return data

    def read_loop(self, ws: Any) -> None:
        """Read packets until the client or the TCP connection goes away, taking turns with
        the other readers (:mod:`chatapp.realtime.engine.turns`)."""
        turn = ReaderTurn()
        while True:
            try:
                data = self.receive_frame(ws)
            except Exception as error:  # noqa: BLE001 - any read error ends the session
                if not self.closed:
                    self.server.logger.info('%s: Unexpected error "%s", closing connection',
                                            self.sid, error)
                return
            if data is None:
                return
            turn.begin()
            try:
                self.receive(eio_packet.Packet(encoded_packet=data))
            except eio_socket.exceptions.UnknownPacketError:
                pass
            except eio_socket.exceptions.SocketIsClosedError:
                return
            except Exception:
                self.server.logger.exception("Unknown receive error")
                return
            turn.end()
