"""What an idle WebSocket keeps (chatapp/realtime/engine/idle_memory.py): a small read buffer
once the handshake is done, without losing a byte a client sent early, and no stock queue once
a socket writes directly."""
from __future__ import annotations

import gevent
import pytest
from engineio import packet as eio_packet
from engineio import socket as eio_socket

from chatapp.realtime.engine.frames import frame_of
from chatapp.realtime.engine.idle_memory import NO_QUEUE, READ_BUFFER_BYTES, use_small_read_buffer
from chatapp.realtime.engine.socket import FramedSocket
from tests.test_engine_writes import Engine, Tcp


class Holder:
    """Stands in for gevent-websocket's handler, its WebSocket's stream, pywsgi's input."""


def connection():
    """A gevent TCP-like socket pair and a WebSocket reading ``server`` through pywsgi's
    default (8 KiB) reader, as gevent-websocket does."""
    from gevent import socket as gsocket

    server, client = gsocket.socketpair()
    handler, stream, websocket, wsgi_input = Holder(), Holder(), Holder(), Holder()
    handler.rfile = wsgi_input.rfile = server.makefile("rb", -1)
    handler.wsgi_input = wsgi_input
    stream.read = websocket.raw_read = handler.rfile.read
    websocket.handler, websocket.stream = handler, stream
    return server, client, websocket


def test_an_idle_connection_reads_on_through_a_small_buffer():
    server, client, websocket = connection()
    old = websocket.handler.rfile
    assert use_small_read_buffer(websocket, server, 45.0)
    new = websocket.handler.rfile
    assert new is not old and old.closed
    assert websocket.handler.wsgi_input.rfile is new
    assert server.gettimeout() == 45.0
    # Frames after the swap are read whole, small or far larger than the buffer.
    big = bytes(range(256)) * (4 * READ_BUFFER_BYTES // 256)
    client.sendall(b"\x81\x05hello" + big)
    assert websocket.stream.read(2) == b"\x81\x05"
    assert websocket.raw_read(5) == b"hello"
    assert websocket.raw_read(len(big)) == big
    client.close()
    assert websocket.stream.read(1) == b""  # the end of the connection still shows


def handshake_with_a_frame(client, websocket) -> None:
    """The client sends a frame in its handshake's packet; pywsgi reads the handshake."""
    client.sendall(b"GET / HTTP/1.1\r\n\r\n\x81\x02hi")
    gevent.sleep(0.01)
    assert websocket.handler.rfile.readline() == b"GET / HTTP/1.1\r\n"
    assert websocket.handler.rfile.readline() == b"\r\n"


def test_bytes_a_client_sent_with_its_handshake_are_not_lost():
    server, client, websocket = connection()
    handshake_with_a_frame(client, websocket)
    old = websocket.handler.rfile
    assert not use_small_read_buffer(websocket, server, 45.0)
    assert websocket.handler.rfile is old and server.gettimeout() == 45.0
    assert websocket.stream.read(4) == b"\x81\x02hi"


def test_what_only_the_kernel_holds_yet_is_not_lost_either():
    server, client, websocket = connection()
    client.sendall(b"\x81\x02hi")
    gevent.sleep(0.01)
    assert not use_small_read_buffer(websocket, server, None)  # the peek took it: kept
    assert websocket.raw_read(4) == b"\x81\x02hi"


def test_a_socket_that_writes_directly_keeps_no_stock_queue():
    sock = eio_socket.Socket(Engine(), "sid")
    FramedSocket.adopt(sock, max_queued_bytes=0)
    opening = eio_packet.Packet(eio_packet.OPEN, {"sid": "sid"})  # the handshake's answer
    sock.send(opening)
    tcp = Tcp()
    sock.go_direct(tcp)
    assert sock.queue is NO_QUEUE
    after = eio_packet.Packet(eio_packet.MESSAGE, "after")
    sock.send(after)
    gevent.sleep(0)  # the end of the loop's turn: the corked frames go out
    assert b"".join(tcp.writes) == frame_of(opening) + frame_of(after)
    # The poll that an upgrade ended may still look; nothing may be put in it.
    assert sock.queue.empty() and sock.queue.qsize() == 0
    with pytest.raises(gevent.queue.Empty):
        sock.queue.get(timeout=0.1)
    with pytest.raises(RuntimeError):
        sock.queue.put(eio_packet.Packet(eio_packet.NOOP))

