"""A WebSocket's input read straight from the kernel socket (chatapp/realtime/engine/
frame_input.py): every byte in order however it is cut, nothing a client sent with its
handshake lost, a reader that waits (rather than fails) when the kernel is empty, the end of
the connection still seen, and no timer per wait once the engine has the connection."""
from __future__ import annotations

import gevent
import gevent.socket

from chatapp.realtime.engine.frame_input import FrameInput, use_frame_input
from tests.test_engine_idle_memory import Holder, connection, handshake_with_a_frame


def test_the_connection_is_read_directly_and_pywsgis_reader_closed():
    server, client, websocket = connection()
    old = websocket.handler.rfile
    assert use_frame_input(websocket, server, 45.0)
    assert old.closed  # pywsgi then reads no further request from the connection
    assert server.gettimeout() == 45.0  # the caller's to change
    assert websocket.stream.read == websocket.raw_read
    assert isinstance(websocket.stream.read.__self__, FrameInput)


def test_bytes_sent_with_the_handshake_or_waiting_in_the_kernel_are_read_first():
    server, client, websocket = connection()
    handshake_with_a_frame(client, websocket)
    assert use_frame_input(websocket, server, 45.0)
    client.sendall(b"\x81\x03you")
    assert websocket.stream.read(2) == b"\x81\x02"
    assert websocket.raw_read(2) == b"hi"
    assert websocket.stream.read(5) == b"\x81\x03you"


def test_reads_of_any_size_get_every_byte_in_order_however_the_bytes_arrive():
    server, client = gevent.socket.socketpair()
    reader = FrameInput(server)
    sizes = [2, 4, 1, 125, 126, 4096, 4097, 70_000, 3]
    stream = bytes(range(256)) * (sum(sizes) // 256 + 1)
    stream = stream[:sum(sizes)]

    def send_in_odd_pieces():
        view, cut = memoryview(stream), 0
        for step in (1, 3, 700, 5000, 9, 100_000):
            client.sendall(view[cut:cut + step])
            cut += step
            gevent.sleep(0.001)  # the reader finds the kernel empty between pieces

    sender = gevent.spawn(send_in_odd_pieces)
    got = [reader.read(size) for size in sizes]
    sender.join()
    assert [len(part) for part in got] == sizes
    assert b"".join(got) == stream


def test_a_reader_that_emptied_the_kernel_waits_for_the_next_bytes():
    server, client = gevent.socket.socketpair()
    reader = FrameInput(server)
    client.sendall(b"ab")
    assert reader.read(2) == b"ab" and reader.drained  # asked for more than there was
    later = gevent.spawn_later(0.05, client.sendall, b"cd")
    assert reader.read(2) == b"cd"
    later.join()


def test_the_end_of_the_connection_is_a_short_read():
    server, client = gevent.socket.socketpair()
    reader = FrameInput(server)
    client.sendall(b"abc")
    client.close()
    assert reader.read(5) == b"abc"
    assert reader.read(1) == b""


def test_a_socket_other_than_geventss_plain_tcp_keeps_a_buffered_reader():
    """A TLS socket's ``_sock`` is the encrypted stream: it must not be read directly."""
    server, client, websocket = connection()

    class Wrapped(gevent.socket.socket):
        pass

    websocket.handler.rfile.close()
    wrapped = Wrapped(fileno=server.detach())
    websocket.handler = Holder()
    websocket.handler.rfile = wrapped.makefile("rb", -1)
    assert not use_frame_input(websocket, wrapped, 45.0)
    client.sendall(b"\x81\x02hi")
    assert websocket.stream.read(4) == b"\x81\x02hi"
    assert not isinstance(getattr(websocket.stream.read, "__self__", None), FrameInput)

