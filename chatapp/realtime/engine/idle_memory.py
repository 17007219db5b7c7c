"""What an idle WebSocket connection keeps: less of what only the HTTP request needed.

An idle logged-in socket cost 48 KiB of server memory; the target is 30 (issue 12). Two of
the largest pieces were left over from before the connection became a WebSocket:

- pywsgi reads the request through a ``BufferedReader`` with the default 8 KiB buffer, and
  the WebSocket kept reading through it for the connection's life. The engine now reads a
  plain TCP connection itself, holding no buffer (frame_input.py); any other (TLS) is moved
  by :func:`use_small_read_buffer` to a 1 KiB buffer once the handshake is done (a client
  frame is a few hundred bytes; a larger one is read straight into its own bytes);
- python-engineio's per-socket queue (a gevent ``JoinableQueue``: three deques, 2.4 KiB) is
  unused once a socket writes its frames directly; :data:`NO_QUEUE` stands in for it.
"""
from __future__ import annotations

from typing import Any

import gevent.queue

READ_BUFFER_BYTES = 1024


def use_small_read_buffer(websocket: Any, tcp: Any, timeout: float | None) -> bool:
    """Read the rest of this connection through a ``READ_BUFFER_BYTES`` buffer.
    ``websocket`` is gevent-websocket's (it reads headers with ``stream.read``, payloads with
    ``raw_read``, both its handler's ``rfile.read``), ``tcp`` the gevent socket; ``timeout``
    is put back on ``tcp``.

    Only when the old buffer holds nothing: a client that sent frames in the same packets as
    its handshake (allowed to nobody, but possible) keeps the old reader, with its bytes.
    Looking is a non-blocking ``peek``: it may also take what the kernel has, into the old
    buffer, which is then kept. Returns whether the reader was replaced."""
    handler = websocket.handler
    old = handler.rfile
    tcp.settimeout(0.0)
    try:
        waiting = old.peek(1)
    except OSError:
        waiting = b"?"  # the connection broke: leave it to the reader to find out
    finally:
        tcp.settimeout(timeout)
    if waiting:
        return False
    new = tcp.makefile("rb", READ_BUFFER_BYTES)
    handler.rfile = new
    websocket.stream.read = websocket.raw_read = new.read
    wsgi_input = getattr(handler, "wsgi_input", None)
    if wsgi_input is not None and getattr(wsgi_input, "rfile", None) is old:
        wsgi_input.rfile = new
    old.close()  # frees its buffer; the TCP socket stays open (the new reader holds it)
    return True


class _NoQueue:
    """Stands in for python-engineio's queue on a socket that writes directly. Nothing may be
    put in it (a bug: it would never be written); the stock poll that the upgrade ended may
    still look at it, and finds it empty."""

    __slots__ = ()

    def empty(self) -> bool:
        return True

    def qsize(self) -> int:
        return 0

    def task_done(self) -> None:
        pass

    def join(self) -> None:
        pass

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        raise gevent.queue.Empty

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        raise RuntimeError("this socket writes its frames directly; it has no queue")


NO_QUEUE = _NoQueue()
