"""Corked writes (chatapp/realtime/engine/writes.py): a socket's frames of one loop turn go out
in one ``send``, in order, once; what the kernel does not take is drained in order after."""
from __future__ import annotations

import logging

import gevent
import gevent.queue
from engineio import socket as eio_socket
from engineio.base_server import BaseServer

from chatapp.realtime.engine.socket import FramedSocket


class Tcp:
    """Takes at most ``room`` bytes per send (None: everything), as a kernel buffer would."""

    def __init__(self, room: int | None = None):
        self.writes: list[bytes] = []
        self.room = room
        self.shut = False

    def send(self, data, *_):
        data = bytes(data)
        if self.room is not None:
            if self.room == 0:
                raise BlockingIOError
            data = data[:self.room]
            self.room -= len(data)
        self.writes.append(data)
        return len(data)

    def sendall(self, data):
        self.writes.append(bytes(data))

    def shutdown(self, how):
        self.shut = True


class Engine:
    reason = BaseServer.reason
    ping_interval, ping_timeout = 25, 20
    logger = logging.getLogger("test.engine")

    def create_queue(self):
        return gevent.queue.Queue()


def framed(tcp: Tcp, max_queued_bytes: int = 0) -> FramedSocket:
    sock = eio_socket.Socket(Engine(), "sid")
    FramedSocket.adopt(sock, max_queued_bytes=max_queued_bytes)
    sock.tcp, sock.connected = tcp, True
    return sock


def test_frames_of_one_turn_go_out_in_one_write_in_order():
    a, b = framed(Tcp()), framed(Tcp())
    for n in range(3):
        a.write_frame(b"a%d;" % n)
        b.write_frame(b"b%d;" % n)
    assert a.tcp.writes == [] and b.tcp.writes == []  # nothing yet: the turn is not over
    gevent.sleep(0)
    assert a.tcp.writes == [b"a0;a1;a2;"] and b.tcp.writes == [b"b0;b1;b2;"]
    assert a.pending_bytes == 0 and a.writer is None
    a.write_frame(b"next;")  # a new turn, a new write
    gevent.sleep(0)
    assert a.tcp.writes == [b"a0;a1;a2;", b"next;"]


def test_what_the_kernel_does_not_take_is_drained_after_it_in_order():
    sock = framed(Tcp(room=4))
    sock.write_frame(b"first;")
    sock.write_frame(b"second;")
    gevent.sleep(0)
    assert sock.tcp.writes == [b"firs"] and sock.writer == "draining"
    sock.write_frame(b"third;")  # behind the backlog, not before it
    gevent.sleep(0.01)
    assert b"".join(sock.tcp.writes) == b"first;second;third;"
    assert sock.pending_bytes == 0 and sock.writer is None


def test_a_socket_the_kernel_refuses_is_drained_later():
    sock = framed(Tcp(room=0))
    sock.write_frame(b"waiting;")
    gevent.sleep(0)
    assert sock.tcp.writes == [] and sock.writer == "draining"
    gevent.sleep(0.01)
    assert sock.tcp.writes == [b"waiting;"]


def test_an_aborted_socket_writes_nothing_more():
    sock = framed(Tcp())
    sock.write_frame(b"dropped;")
    sock.abort()
    sock.write_frame(b"after;")
    gevent.sleep(0)
    assert sock.tcp.writes == [] and sock.tcp.shut and sock.pending_bytes == 0


def test_past_the_cap_the_socket_is_cut_before_anything_is_written():
    sock = framed(Tcp(), max_queued_bytes=10)
    sock.write_frame(b"x" * 8)
    sock.write_frame(b"y" * 8)  # the first may be large; a backlog behind it may not
    sock.write_frame(b"z" * 8)
    gevent.sleep(0)
    assert sock.cut and sock.tcp.writes == []
