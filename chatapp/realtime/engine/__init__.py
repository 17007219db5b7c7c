"""Engine-level delivery: WebSocket frames built once per broadcast and written without a
writer greenlet per socket, with a cap on what may wait for one socket (see socket.py)."""
from __future__ import annotations

import socketio
from engineio import socket as eio_socket

from chatapp.realtime.engine.reading import QuickReading
from chatapp.realtime.engine.socket import FramedSocket


def install(server: socketio.Server, *, max_queued_bytes: int) -> None:
    """Make every Engine.IO socket of ``server`` a :class:`FramedSocket`.

    Uses python-engineio's public ``on('connect')`` hook: the engine calls it right after it
    creates a socket and before that socket is upgraded to WebSocket, so the new class is in
    place before the first frame. python-socketio's own connect handler still runs after.
    """
    eio = server.eio
    QuickReading.max_message_bytes = eio.max_http_buffer_size
    socketio_connect = eio.handlers["connect"]

    def on_engine_connect(eio_sid: str, environ: dict):
        sock = eio.sockets.get(eio_sid)
        if type(sock) is eio_socket.Socket:
            FramedSocket.adopt(sock, max_queued_bytes)
        return socketio_connect(eio_sid, environ)

    eio.on("connect", on_engine_connect)
