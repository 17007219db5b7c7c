"""A broadcast's fan-out over real kernel sockets (chatapp/realtime/engine/fanout.py and the
inline paths of writes.py: ``cork_shared``, and ``flush`` writing to the kernel socket itself):
every recipient gets the frame once, in order behind what already waits for it, the skipped
and the silent get nothing, and a connection the kernel refuses or that broke is handled as
the general path handles it."""
from __future__ import annotations

import logging
import socket
import time

import gevent
import gevent.queue
import gevent.socket
from engineio import packet as eio_packet
from engineio import socket as eio_socket
from engineio.base_server import BaseServer

from chatapp.realtime.engine import fanout, writes
from chatapp.realtime.engine.frames import frame_of
from chatapp.realtime.engine.socket import FramedSocket


class Engine:
    reason = BaseServer.reason
    ping_interval, ping_timeout = 25, 20
    logger = logging.getLogger("test.engine")

    def __init__(self):
        self.sockets: dict[str, FramedSocket] = {}
        self.closed: list[str] = []

    def create_queue(self):
        return gevent.queue.Queue()

    def _trigger_event(self, event, sid, reason, run_async=False):
        self.closed.append(sid)


class Server:
    """What ``deliver`` needs of python-socketio's server."""

    def __init__(self):
        self.eio = Engine()
        self.stock: list[str] = []

    def _send_eio_packet(self, eio_sid, pkt):
        self.stock.append(eio_sid)


def connected(server: Server, n: int, send_buffer: int = 0) -> tuple[list[tuple[str, str]], list]:
    """``n`` framed sockets on real socket pairs: their recipients and the client ends."""
    recipients, clients = [], []
    for i in range(n):
        ours, theirs = gevent.socket.socketpair()
        if send_buffer:
            ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
        theirs.settimeout(2)
        sock = eio_socket.Socket(server.eio, f"e{i}")
        FramedSocket.adopt(sock, max_queued_bytes=1 << 20)
        sock.tcp, sock.connected = ours, True
        server.eio.sockets[f"e{i}"] = sock
        recipients.append((f"s{i}", f"e{i}"))
        clients.append(theirs)
    return recipients, clients


def message(text: str) -> eio_packet.Packet:
    return eio_packet.Packet(eio_packet.MESSAGE, data=f'2["newMessage",{{"text":"{text}"}}]')


def received(client, expected: int) -> bytes:
    data = b""
    while len(data) < expected:
        data += client.recv(expected - len(data))
    return data


def nothing_more(client) -> bool:
    client.settimeout(0.02)
    try:
        return client.recv(1) == b""
    except TimeoutError:
        return True


def test_every_recipient_gets_the_frame_once_but_the_skipped():
    server = Server()
    recipients, clients = connected(server, 50)
    pkt = message("hello")
    fanout.deliver(server, recipients, {"s3"}, pkt)
    gevent.sleep(0)
    frame = frame_of(pkt)
    for i, client in enumerate(clients):
        client.settimeout(0.2 if i == 3 else 2)
        if i == 3:
            assert nothing_more(client), "the skipped sender got the frame"
        else:
            assert received(client, len(frame)) == frame
            assert nothing_more(client)
    sock = server.eio.sockets["e0"]
    assert sock.pending == [] and sock.pending_bytes == 0 and sock.writer is None


def test_frames_of_one_turn_reach_each_recipient_in_order():
    server = Server()
    recipients, clients = connected(server, 5)
    packets = [message(f"m{n}") for n in range(4)]
    for pkt in packets:
        fanout.deliver(server, recipients, set(), pkt)
    gevent.sleep(0)
    expected = b"".join(frame_of(pkt) for pkt in packets)
    for client in clients:
        assert received(client, len(expected)) == expected
        assert nothing_more(client)


def test_a_recipient_that_does_not_read_gets_a_backlog_drained_in_order():
    server = Server()
    recipients, clients = connected(server, 2, send_buffer=4096)
    slow = server.eio.sockets["e0"]
    big = message("x" * 200_000)  # more than the socket pair's buffers hold
    fanout.deliver(server, recipients, set(), big)
    gevent.sleep(0)
    assert slow.writer == "draining" and slow.pending_bytes > 0
    after = message("after")
    fanout.deliver(server, recipients, set(), after)  # behind the backlog, not before it
    expected = frame_of(big) + frame_of(after)
    for client in clients:
        assert received(client, len(expected)) == expected
        assert nothing_more(client), "a frame was written twice"
    gevent.sleep(0.01)
    assert slow.writer is None and slow.pending == [] and slow.pending_bytes == 0


def test_a_broken_connection_is_cut_and_the_others_still_served():
    server = Server()
    recipients, clients = connected(server, 3)
    clients[1].close()
    for _ in range(2):  # the first write may still be taken; the kernel then resets
        fanout.deliver(server, recipients, set(), message("x" * 1000))
        gevent.sleep(0)
    broken = server.eio.sockets["e1"]
    assert broken.cut and broken.pending == []
    frame = frame_of(message("x" * 1000))
    for i in (0, 2):
        assert received(clients[i], 2 * len(frame)) == 2 * frame


def test_a_silent_client_gets_nothing_and_is_closed_after_the_send():
    server = Server()
    recipients, clients = connected(server, 2)
    silent = server.eio.sockets["e1"]
    silent.last_ping = time.time() - 60  # its pong is long overdue
    pkt = message("hello")
    fanout.deliver(server, recipients, set(), pkt)
    assert server.eio.closed == []  # not inside the fan-out
    gevent.sleep(0.01)
    assert server.eio.closed == ["e1"] and silent.closed
    assert received(clients[0], len(frame_of(pkt))) == frame_of(pkt)


def test_a_client_whose_pong_waits_unread_is_not_taken_for_gone():
    """A server saturated for longer than the ping timeout (a restart's storm of resumes)
    reads pongs late: a client that did send bytes since is alive, and is served. Once what
    it sent has been read and still no pong came, it is silent after all, and closed."""
    server = Server()
    recipients, clients = connected(server, 2)
    behind = server.eio.sockets["e1"]
    behind.last_ping = time.time() - 60
    clients[1].sendall(b"\x8a\x80pong")  # unread by the server so far
    pkt = message("hello")
    fanout.deliver(server, recipients, set(), pkt)
    gevent.sleep(0.01)
    assert server.eio.closed == [] and not behind.closed
    assert received(clients[1], len(frame_of(pkt))) == frame_of(pkt)

    assert behind.tcp.recv(64)  # read now, and no pong among it after all
    fanout.deliver(server, recipients, set(), pkt)
    gevent.sleep(0.01)
    assert server.eio.closed == ["e1"] and behind.closed


def test_a_socket_not_yet_on_websocket_takes_the_stock_path():
    server = Server()
    recipients, _ = connected(server, 2)
    server.eio.sockets["e1"].tcp = None  # polling, or mid-upgrade
    fanout.deliver(server, recipients + [("s9", "gone")], set(), message("hi"))
    assert server.stock == ["e1", "gone"]


def test_real_sockets_take_the_kernel_sockets_own_send():
    """``flush`` writes to the kernel socket itself only on gevent's plain TCP socket (a TLS
    socket's ``_sock`` is not the stream to write to): these tests must exercise that."""
    ours, theirs = gevent.socket.socketpair()
    assert type(ours) is writes._PLAIN_TCP and ours._sock.gettimeout() == 0.0
    ours.close(), theirs.close()
