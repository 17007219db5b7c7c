"""A WebSocket connection's input once the engine has it: the kernel socket read directly.

Under 5,000 participants pressing reactions (10,000 small frames a second) reading was a
quarter of the server's samples (py-spy, blocking mode), and little of that was the system
call that got the bytes:

- pywsgi's ``BufferedReader`` reads through ``SocketIO.readinto`` into gevent's ``recv_into``,
  which always tries the kernel first: each frame after the one that woke the reader cost a
  failed ``recv`` and a raised ``BlockingIOError`` before the reader waited;
- each wait started and stopped a gevent ``Timeout`` for the socket's timeout (about 7% of
  the samples).

:class:`FrameInput` reads with the kernel socket's ``recv``; when the last read got less than
it asked for (the kernel had nothing more), the next one waits for readability first. The
engine's socket then runs without a timeout (``FramedSocket._websocket_handler``): a client
that goes silent is closed by python-engineio's service task once its pong is overdue
(``FramedSocket.check_ping_timeout``), which cuts the TCP connection and ends the read, as
the timeout did. It holds no buffer while idle either: what a read got beyond the frame waits
in :attr:`FrameInput.rest`, almost always empty (pywsgi's reader kept 1 KiB per connection,
see idle_memory.py).

Only for gevent's plain TCP socket (a TLS socket's ``_sock`` is not the stream to read);
anything else keeps pywsgi's reader with a small buffer (:func:`use_small_read_buffer`).
"""
from __future__ import annotations

from typing import Any

import gevent.socket

from chatapp.realtime.engine.idle_memory import use_small_read_buffer

# The most one read asks the kernel for when the caller needs less (a frame's header).
CHUNK_BYTES = 4096


class FrameInput:
    """``read(size)`` as a file's: exactly ``size`` bytes, fewer only at the end of the
    stream. Used by one reader greenlet at a time (the connection's)."""

    __slots__ = ("tcp", "rest", "drained")

    def __init__(self, tcp: Any, rest: bytes = b""):
        self.tcp = tcp
        self.rest = rest  # bytes read from the kernel and not yet asked for
        self.drained = False  # the last read emptied the kernel's buffer: wait before the next

    def read(self, size: int) -> bytes:
        rest = self.rest
        if len(rest) >= size:
            if len(rest) == size:
                self.rest = b""
                return rest
            self.rest = rest[size:]
            return rest[:size]
        parts, have = [rest], len(rest)
        self.rest = b""
        while have < size:
            chunk = self.receive(max(size - have, CHUNK_BYTES))
            if not chunk:
                break  # the end of the stream: a short read
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        if have > size:
            self.rest = data[size:]
            return data[:size]
        return data

    def receive(self, size: int) -> bytes:
        """At most ``size`` bytes from the kernel, waiting for them (gevent's ``_wait`` on the
        socket's own read watcher: the socket's timeout applies, None once the engine has
        the connection); b"" at the end of the stream."""
        tcp = self.tcp
        if self.drained:
            tcp._wait(tcp._read_event)
        while True:
            try:
                data = tcp._sock.recv(size)
            except BlockingIOError:
                tcp._wait(tcp._read_event)
                continue
            self.drained = len(data) < size
            return data


def use_frame_input(websocket: Any, tcp: Any, timeout: float | None) -> FrameInput | None:
    """Make gevent-websocket's ``websocket`` read the rest of the connection through a
    :class:`FrameInput` (returned), taking over whatever pywsgi's reader already holds (bytes a
    client sent with its handshake), or, for a socket that is not gevent's plain TCP socket,
    through a small buffer (None). ``timeout`` is left on ``tcp``."""
    if type(tcp) is not gevent.socket.socket:
        use_small_read_buffer(websocket, tcp, timeout)
        return None
    handler = websocket.handler
    old = handler.rfile
    tcp.settimeout(0.0)
    try:
        held = old.peek(1)  # all it holds, after at most one non-blocking read of the kernel
    except OSError:
        return None  # the connection broke: the stock reader finds out
    finally:
        tcp.settimeout(timeout)
    reader = FrameInput(tcp, old.read(len(held)) if held else b"")
    websocket.stream.read = websocket.raw_read = reader.read
    # pywsgi asks whether its reader is closed once the application returns: it is, so the
    # connection is not read for another request. Closing frees the reader's buffer; the TCP
    # socket stays open (FrameInput holds it).
    old.close()
    return reader
