"""A WebSocket connection that outlives its HTTP request: pywsgi's greenlet is let go.

pywsgi runs each connection in a greenlet whose stack, once the request became a WebSocket,
stayed blocked for the connection's life under a dozen frames (pywsgi's request loop,
gevent-websocket's handler, Flask-SocketIO's middleware, python-engineio's request and upgrade
handlers). Holding them cost an idle socket its saved C stack, a second page of Python frame
stack, pywsgi's request handler with its headers, gevent-websocket's client record, and their
references to the request's environ (issue 12: 10,000 idle sockets at 33 KiB each, the target
is 30).

Once the engine has the connection (``FramedSocket._websocket_handler``), :func:`detach`
takes the TCP connection away from pywsgi: the kernel socket moves to a new gevent socket
object (``detach``, then the same descriptor: nothing is closed or duplicated), pywsgi's
clean-up is told there is nothing to close, gevent-websocket's that there is nothing to close
either, and the WebSocket object keeps only what its own methods ask of their handler.
:func:`read_in_own_greenlet` then reads the connection from a fresh greenlet, a few frames deep,
while the request's greenlet returns and is freed.

The new greenlet takes the request greenlet's place in the server's pool once that one has
ended, so gunicorn's ``--worker-connections`` still caps open sockets, and stopping the server
still stops their readers (pywsgi's ``stop`` kills the pool).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gevent
import gevent.pool
import gevent.socket


class _HandlerStandIn:
    """What gevent-websocket's ``WebSocket`` reads from its handler after the upgrade: the
    server (for ``current_app``) and a logger."""

    __slots__ = ("server", "logger")

    def __init__(self, server: Any, logger: Any):
        self.server, self.logger = server, logger


class _Closed:
    """Given to pywsgi's handler as its WebSocket, which gevent-websocket closes (a close frame
    to the client) when the application returns, unless it is already closed."""

    __slots__ = ()
    closed = True


_CLOSED = _Closed()


def detach(ws: Any, tcp: gevent.socket.socket) -> gevent.socket.socket:
    """Take ``tcp`` (gevent's plain TCP socket of python-engineio's WebSocket wrapper ``ws``)
    away from pywsgi's request handler; returns the socket to use from now on, on the same
    kernel socket, with the same timeout."""
    websocket = ws._sock  # gevent-websocket's
    handler = websocket.handler
    timeout = tcp.gettimeout()
    own = gevent.socket.socket(tcp.family, tcp.type, tcp.proto, fileno=tcp.detach())
    own.settimeout(timeout)
    handler.socket = None  # pywsgi's clean-up would read what the client sent next, then close
    handler.websocket = _CLOSED
    stand_in = _HandlerStandIn(handler.server, handler.logger)
    websocket.handler = websocket.stream.handler = stand_in
    websocket.stream.write = own.sendall  # unused (raw_write is the engine's), but not stale
    # The environ stays with python-socketio (Flask's request context for each event); these
    # were only the request's references to it.
    ws.environ = websocket.environ = None
    return own


def read_in_own_greenlet(server: Any, run: Callable[[], None]) -> None:
    """Run ``run`` in a new greenlet, started once the calling (request) greenlet has ended,
    in its slot of pywsgi ``server``'s pool if it has one."""
    reader = gevent.Greenlet(run)
    pool = getattr(server, "pool", None)

    def start(_request_greenlet: Any) -> None:
        # Runs in the hub after the pool's own link released the request's slot.
        if isinstance(pool, gevent.pool.Pool):
            try:
                pool.add(reader, blocking=False)
            except gevent.pool.PoolFull:
                pass  # another connection took the slot meanwhile: read it anyway
        reader.start()

    current = gevent.getcurrent()
    if isinstance(current, gevent.Greenlet):
        current.rawlink(start)
    else:  # not run by a gevent server (a plain greenlet): nothing to wait for
        start(current)
