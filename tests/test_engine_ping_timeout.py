"""A client found silent (its pong overdue) while something is sent to it is closed in a
greenlet of its own (chatapp/realtime/engine/socket.py, ``check_ping_timeout``): closing runs
the disconnect handler, whose announcement reaches other silent clients, so closing inline
nested disconnects inside each other until Python's recursion limit."""
from __future__ import annotations

import logging
import time

import gevent
import gevent.queue
from engineio import packet as eio_packet
from engineio import socket as eio_socket
from engineio.base_server import BaseServer

from chatapp.realtime.engine.socket import FramedSocket


class Tcp:
    def __init__(self):
        self.written: list[bytes] = []

    def send(self, data, *_):
        self.written.append(bytes(data))
        return len(data)

    def shutdown(self, how):
        pass


class Engine:
    """What a socket needs of python-engineio's server; the disconnect handler announces the
    departure to every other socket, as ``user:offline`` to ``presence:legacy`` does."""
    reason = BaseServer.reason
    ping_interval, ping_timeout = 25, 20
    logger = logging.getLogger("test.engine")

    def __init__(self):
        self.sockets: list[FramedSocket] = []
        self.disconnected: list[str] = []

    def create_queue(self):
        return gevent.queue.Queue()

    def _trigger_event(self, event, sid, reason, run_async=False):
        self.disconnected.append(sid)
        for other in self.sockets:
            if not other.closed and other.sid != sid:
                other.send(eio_packet.Packet(eio_packet.MESSAGE, data=f'2["gone","{sid}"]'))


def socket_on(engine: Engine, sid: str, *, silent_for: float) -> FramedSocket:
    sock = eio_socket.Socket(engine, sid)
    FramedSocket.adopt(sock, max_queued_bytes=0)
    sock.tcp, sock.connected = Tcp(), True
    sock.last_ping = time.time() - silent_for
    engine.sockets.append(sock)
    return sock


def test_a_silent_client_is_closed_after_the_send_not_inside_it():
    engine = Engine()
    silent = socket_on(engine, "silent", silent_for=60)
    live = socket_on(engine, "live", silent_for=0)
    silent.send(eio_packet.Packet(eio_packet.MESSAGE, data="hello"))
    silent.send(eio_packet.Packet(eio_packet.MESSAGE, data="again"))
    assert engine.disconnected == [] and silent.tcp.written == []
    gevent.sleep(0.01)
    assert engine.disconnected == ["silent"]  # once, however many sends noticed
    assert silent.closed and not live.closed
    assert [frame[2:] for frame in live.tcp.written] == [b'42["gone","silent"]']


def test_hundreds_going_quiet_at_once_close_one_after_another():
    """Inline, each close nested the next inside its broadcast: 600 exceeded the recursion
    limit (1,000 frames)."""
    engine = Engine()
    crowd = [socket_on(engine, f"s{i}", silent_for=60) for i in range(600)]
    listener = socket_on(engine, "listener", silent_for=0)
    crowd[0].send(eio_packet.Packet(eio_packet.MESSAGE, data="hello"))
    gevent.sleep(0.5)
    while len(engine.disconnected) < len(crowd):
        gevent.sleep(0.05)
    assert sorted(engine.disconnected) == sorted(s.sid for s in crowd)
    assert all(s.closed for s in crowd) and not listener.closed
    # Frames written in one turn go out in one write: count them in the stream.
    assert b"".join(listener.tcp.written).count(b'["gone",') == len(crowd)
