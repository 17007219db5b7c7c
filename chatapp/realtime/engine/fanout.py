"""A broadcast's local fan-out, written straight to each WebSocket of this process.

python-socketio's ``Manager.emit`` encodes a broadcast once, then for each recipient goes
through ``Server._send_eio_packet``, the engine's ``send_packet`` (a lookup and a check) and
the socket's ``send``: five Python calls before the frame is queued, for every one of N
recipients (a message to an audience of 5,000 paid them 5,000 times while everyone waited
for the last). :func:`deliver` looks each socket up once and hands a framed socket the shared
frame itself; any other socket (long-polling, mid-upgrade, closed) takes the stock path, so
what each socket receives, and in what order, is what ``Manager.emit`` would have sent.
"""
from __future__ import annotations

import time
from collections.abc import Iterable

import socketio
from engineio import packet as eio_packet

from chatapp.realtime.engine.frames import frame_of
from chatapp.realtime.engine.writes import cork_shared


def deliver(server: socketio.Server, recipients: Iterable[tuple[str, str]], skip: set[str],
            pkt: eio_packet.Packet) -> None:
    """Send ``pkt`` to every ``(sid, eio_sid)`` of ``recipients`` whose sid is not in
    ``skip``."""
    sockets = server.eio.sockets
    # FramedSocket.check_ping_timeout, inline, with one clock read for the whole fan-out: a
    # socket whose client missed its pong gets nothing and is closed in a greenlet of its own
    # (unless its pong may be among the bytes not read yet: then it is served as usual).
    now, ping_timeout = time.time(), server.eio.ping_timeout
    framed = []
    for sid, eio_sid in recipients:
        if sid in skip:
            continue
        sock = sockets.get(eio_sid)
        if sock is not None and getattr(sock, "tcp", None) is not None and not sock.closed:
            last_ping = sock.last_ping
            if not last_ping or now - last_ping <= ping_timeout or sock.check_ping_timeout():
                framed.append(sock)
        else:
            server._send_eio_packet(eio_sid, pkt)
    if framed:
        cork_shared(framed, frame_of(pkt))
