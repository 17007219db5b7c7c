"""A WebSocket outlives its HTTP request (chatapp/realtime/engine/handover.py): pywsgi's
request greenlet ends after the upgrade, a greenlet of the connection's own reads it, in the
request's slot of the server's pool, and when the client leaves the session ends, the file
descriptor is closed and the slot is free again. Runs gevent's pywsgi server with
gevent-websocket's handler and a Socket.IO server with the engine installed, in this process,
so the greenlets can be looked at; clients are raw TCP connections through gevent."""
from __future__ import annotations

import gevent
import gevent.pool
import gevent.socket
import pytest
import socketio
from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler

from chatapp.realtime.engine import install
from chatapp.realtime.engine.socket import FramedSocket
from tests import test_engine_reading
from tests.test_engine_reading import CLOSE, TEXT, RawClient


def wait_until(condition, timeout: float = 3.0) -> bool:
    deadline = gevent.get_hub().loop.now() + timeout
    while not condition():
        if gevent.get_hub().loop.now() > deadline:
            return False
        gevent.sleep(0.01)
    return True


class Served:
    """The server, its pool, and what its handlers saw."""

    def __init__(self, slots: int):
        self.sio = socketio.Server(async_mode="gevent")
        install(self.sio, max_queued_bytes=1_000_000)
        self.request_greenlets: list[gevent.Greenlet] = []
        self.disconnected: list[str] = []
        engine_connect = self.sio.eio.handlers["connect"]

        def on_engine_connect(eio_sid, environ):
            self.request_greenlets.append(gevent.getcurrent())
            return engine_connect(eio_sid, environ)

        self.sio.eio.on("connect", on_engine_connect)
        self.sio.on("disconnect", lambda sid, *_: self.disconnected.append(sid))
        self.sio.on("echo", lambda sid, data: self.sio.emit("echoed", data, to=sid))
        self.pool = gevent.pool.Pool(slots)
        self.http = pywsgi.WSGIServer(("127.0.0.1", 0), socketio.WSGIApp(self.sio),
                                      handler_class=WebSocketHandler, spawn=self.pool, log=None)
        self.http.start()
        self.port = self.http.server_port

    def engine_sockets(self) -> list[FramedSocket]:
        return list(self.sio.eio.sockets.values())


@pytest.fixture
def served(monkeypatch):
    # The raw client's blocking socket would stop this process's server: a gevent one.
    monkeypatch.setattr(test_engine_reading.socket, "create_connection",
                        gevent.socket.create_connection)
    servers: list[Served] = []

    def make(slots: int = 10) -> Served:
        servers.append(Served(slots))
        return servers[-1]

    yield make
    for server in servers:
        server.http.stop(timeout=1)


def socketio_client(server: Served) -> RawClient:
    client = RawClient(server)
    client.frame(TEXT, b"40")
    assert client.until(TEXT, b"40").startswith(b'40{"sid"')
    return client


def test_the_request_greenlet_ends_and_the_connection_reads_on_in_its_pool_slot(served):
    server = served()
    client = socketio_client(server)
    request = server.request_greenlets[0]
    assert wait_until(lambda: request.dead)
    readers = list(server.pool)
    assert len(readers) == 1 and readers[0] is not request and not readers[0].dead
    client.frame(TEXT, b'42["echo",{"n":1}]')
    assert client.until(TEXT, b"42") == b'42["echoed",{"n":1}]'
    # The server still writes and reads it: its own ping is answered and the session lives.
    (sock,) = server.engine_sockets()
    assert sock.tcp is not None and sock.tcp.fileno() >= 0 and not sock.closed


def test_a_client_leaving_ends_the_session_closes_the_descriptor_and_frees_the_slot(served):
    server = served()
    client = socketio_client(server)
    (sock,) = server.engine_sockets()
    reader = next(iter(server.pool))
    client.frame(CLOSE, b"\x03\xe8")
    assert client.until(CLOSE) == b""  # the reply to the close, then the server hangs up
    assert wait_until(lambda: reader.dead and len(server.pool) == 0)
    assert server.disconnected and sock.closed
    assert sock.tcp.closed
    assert server.engine_sockets() == []  # forgotten as soon as it ended


def test_a_client_cut_off_mid_frame_ends_its_session_too(served):
    server = served()
    client = socketio_client(server)
    (sock,) = server.engine_sockets()
    client.sock.sendall(b"\x81\x85ab")  # a frame's header and half its mask, then nothing
    client.sock.close()
    assert wait_until(lambda: len(server.pool) == 0 and server.engine_sockets() == [])
    assert server.disconnected and sock.tcp.closed


def test_open_websockets_still_count_against_the_pools_cap(served):
    server = served(slots=2)
    first, second = socketio_client(server), socketio_client(server)
    assert wait_until(lambda: all(g.dead for g in server.request_greenlets))
    waiting = gevent.socket.create_connection(("127.0.0.1", server.port), timeout=5)
    waiting.sendall(b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n")
    waiting.settimeout(0.5)
    with pytest.raises(TimeoutError):
        waiting.recv(100)  # both slots are held by the open WebSockets: not served yet
    first.sock.close()
    waiting.settimeout(5)
    assert waiting.recv(100).startswith(b"HTTP/1.1 200")
    second.frame(TEXT, b'42["echo","still here"]')
    assert second.until(TEXT, b"42") == b'42["echoed","still here"]'


def test_stopping_the_server_ends_the_connections_it_holds(served):
    server = served()
    client = socketio_client(server)
    (sock,) = server.engine_sockets()
    server.http.stop(timeout=1)  # as gunicorn's worker does on SIGTERM: the pool is killed
    assert server.disconnected and sock.closed and sock.tcp.closed
    with pytest.raises(ConnectionError):
        for _ in range(10):
            client.read_frame()
