"""How a :class:`~chatapp.realtime.engine.socket.FramedSocket` writes its frames: corked until
the end of the event loop's turn, then one non-blocking ``send`` of everything waiting.

A frame is not written when it is sent: it joins the socket's :attr:`pending` frames, and the
socket is flushed once the greenlets that are running now have given the loop back (a loop
callback). Every frame a socket got meanwhile goes out in that one system call: when ten
senders' messages are handled in one turn of the loop, each member of their room gets one
write, not ten. Measured with py-spy under the closed-loop fan-out, the ``send`` system call
alone, one per recipient per message, was 29% of the server's time. An idle server loses
nothing: the flush runs as soon as the handler that sent gives the loop back.

What the kernel does not take at once stays in :attr:`pending`, and one drain greenlet,
alive only while there is such a backlog, writes it in order with blocking writes. Every
write goes through :meth:`write_frame`, so a socket's frames keep the order of the calls.
"""
from __future__ import annotations

import time

import gevent
import gevent.socket

# gevent's TCP socket, whose ``_sock`` is the non-blocking kernel socket (not a TLS wrapper).
_PLAIN_TCP = gevent.socket.socket

# Sockets with frames waiting for the end of this turn, flushed by one loop callback.
_corked: list = []


def _flush_corked() -> None:
    """Runs in the event loop (the hub): writes never block here. A socket whose flush fails
    is cut rather than left corked (it would never be written to again)."""
    while _corked:
        sockets = _corked[:]
        _corked.clear()
        for sock in sockets:
            try:
                sock.flush()
            except Exception:  # noqa: BLE001 - one socket's failure must not stall the rest
                sock.server.logger.exception("%s: could not write; disconnecting", sock.sid)
                sock.writer = None
                sock.abort()


def cork_shared(sockets: list, frame: bytes) -> None:
    """``sock.write_frame(frame)`` for each of ``sockets`` (framed, open, answering pings),
    with the common case inline: a socket with nothing waiting takes the frame and joins the
    sockets flushed at the end of the turn. A broadcast to an audience of 5,000 paid two method
    calls and their checks per recipient for that, about a third of its Python time."""
    size = len(frame)
    idle = []
    for sock in sockets:
        # No writer means nothing waits (a flush or a drain empties the list first, an abort
        # drops it), and nothing may exceed the backlog cap: the frame alone never does.
        if sock.writer is None and not sock.cut:
            sock.pending.append(frame)
            sock.pending_bytes += size
            sock.writer = "corked"
            idle.append(sock)
        else:
            sock.write_frame(frame)
    if idle:
        if not _corked:
            gevent.get_hub().loop.run_callback(_flush_corked)
        _corked.extend(idle)


class SocketWrites:
    """The write side of a framed socket; state set by ``FramedSocket.adopt``: ``tcp``,
    ``pending`` (a list, oldest first), ``pending_bytes``, ``writer`` (None, "corked" or "draining"),
    ``cut``, ``shutdown_when_drained`` and ``max_queued_bytes``."""

    def write_frame(self, frame: bytes) -> None:
        """Queue ``frame`` behind what waits for this socket; it goes out at the end of the
        loop's turn (never blocks)."""
        if self.cut:
            return
        self.enqueue(frame)
        if self.writer is None and not self.cut:
            self.writer = "corked"
            if not _corked:
                gevent.get_hub().loop.run_callback(_flush_corked)
            _corked.append(self)

    def enqueue(self, chunk: bytes | memoryview) -> None:
        self.pending.append(chunk)
        self.pending_bytes += len(chunk)
        # The frame being written does not count: one large answer (a page of history) may
        # exceed the cap by itself; what may not is a backlog behind it.
        if self.max_queued_bytes and (self.pending_bytes - len(self.pending[0])
                                      > self.max_queued_bytes):
            self.server.logger.warning("%s: %d bytes queued for a client that does not read; "
                                       "disconnecting it", self.sid, self.pending_bytes)
            self.abort()

    def flush(self) -> None:
        """Write what waits in one non-blocking ``send``; what the kernel does not take is
        left to a drain greenlet."""
        if self.writer != "corked":
            return
        self.writer = None
        pending = self.pending
        if self.cut or not pending:
            return
        data = pending[0] if len(pending) == 1 else b"".join(pending)
        tcp = self.tcp
        try:
            # On gevent's plain TCP socket, the kernel socket's own non-blocking send: gevent's
            # wrapper would only pass it on (with no timeout it re-raises the same
            # BlockingIOError) at 0.23 of the ~3 us a recipient costs (5,000 socket pairs, in
            # process). Anything else (TLS) through its wrapper.
            sent = tcp._sock.send(data) if type(tcp) is _PLAIN_TCP else tcp.send(data, 0, 0.0)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.abort()
            return
        if sent == len(data) and not self.shutdown_when_drained:  # the common case
            pending.clear()
            self.pending_bytes = 0
            return
        self.sent(data, sent)

    def sent(self, data: bytes, sent: int) -> None:
        """After a non-blocking ``send`` of everything waiting (``data``) took ``sent`` bytes:
        the rest, if any, is left to a drain greenlet."""
        pending = self.pending
        pending.clear()
        if sent < len(data):
            pending.append(memoryview(data)[sent:])
            self.pending_bytes = len(data) - sent
            self.writer = "draining"
            gevent.spawn(self.drain)
            return
        self.pending_bytes = 0
        if self.shutdown_when_drained:
            self.shutdown_tcp()

    def drain(self) -> None:
        """Write the backlog in order, cooperatively, all of it per system call (a client that
        fell behind gets one large write, not one per frame); ends when it is empty."""
        pending = self.pending
        try:
            while pending and not self.cut:
                batch = len(pending)
                data = pending[0] if batch == 1 else b"".join(pending)
                try:
                    self.tcp.sendall(data)
                except OSError:
                    self.abort()
                    return
                if self.cut:
                    return  # aborted meanwhile: the backlog was dropped
                del pending[:batch]
                self.pending_bytes -= len(data)
        finally:
            self.writer = None
        if self.shutdown_when_drained:
            self.shutdown_tcp()

    def wait_for_backlog(self, limit: int, timeout: float) -> bool:
        """Block the calling greenlet until no more than ``limit`` bytes wait for this socket
        (True), for a sender that paces itself (a replay); False if the socket was cut or
        closed, or the client read nothing for ``timeout`` seconds (it is then cut)."""
        deadline = time.monotonic() + timeout
        while self.pending_bytes > limit:
            if self.cut or self.closed:
                return False
            if time.monotonic() > deadline:
                self.abort()
                return False
            before = self.pending_bytes
            gevent.sleep(0.005)
            if self.pending_bytes < before:  # it reads: the timeout counts from now
                deadline = time.monotonic() + timeout
        return not self.cut
