"""Which origins may open a socket or call the API, end to end against real server processes:
CLIENT_URL and our own origin, foreign origins over polling and WebSocket, pages opened from
a file, and CLIENT_URL=* (the rest of signing in: test_socket_auth_e2e.py)."""
from __future__ import annotations

import pytest
import requests
import socketio
import websocket

from tests.conftest import server_env
from tests.helpers import ServerProcess


def open_socket(url: str, origin: str, transport: str) -> socketio.Client:
    """A Socket.IO client whose handshake carries ``Origin: origin`` (over websocket the
    library would otherwise send the server's own origin by itself)."""
    sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})
    headers = {"Origin": origin} if transport == "polling" else {}
    sio.connect(url, headers=headers, transports=[transport], wait_timeout=10)
    return sio


def first_websocket_frame(server, origin: str) -> str:
    """What the server says first on a raw Engine.IO websocket opened from ``origin``: the
    ``0{...}`` open packet, or ``""`` when it closes the socket instead."""
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", origin=origin,
        timeout=10)
    try:
        return ws.recv()
    except websocket.WebSocketConnectionClosedException:
        return ""
    finally:
        ws.close()


ALLOWED = ("http://localhost:3000", "own")  # CLIENT_URL, and the server's own origin


def test_a_foreign_origin_is_refused_over_polling(server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        open_socket(server.url, "http://evil.example", "polling").disconnect()


def test_a_foreign_origin_is_refused_over_websocket(server):
    """The upgrade itself completes (gevent-websocket answers it before the app runs), but
    the server closes the socket at once: no Engine.IO session, no Socket.IO connection."""
    assert first_websocket_frame(server, "http://evil.example") == ""
    with pytest.raises((socketio.exceptions.ConnectionError, ValueError)):
        open_socket(server.url, "http://evil.example", "websocket").disconnect()
    assert first_websocket_frame(server, server.url).startswith("0{")


@pytest.mark.parametrize("transport", ["websocket", "polling"])
@pytest.mark.parametrize("origin", ALLOWED)
def test_client_url_and_our_own_origin_connect(server, transport, origin):
    sio = open_socket(server.url, server.url if origin == "own" else origin, transport)
    try:
        assert sio.connected
        assert isinstance(sio.call("getActiveEvents", timeout=10), list)
    finally:
        sio.disconnect()


def test_the_api_grants_cors_only_to_allowed_origins(server):
    def cors(origin: str) -> str | None:
        response = requests.get(server.url + "/api/rooms", headers={"Origin": origin},
                                timeout=10)
        assert response.status_code == 200
        return response.headers.get("Access-Control-Allow-Origin")

    assert cors("http://evil.example") is None
    assert cors("http://localhost:3000") == "http://localhost:3000"
    assert cors(server.url) == server.url
    assert cors("null") is None  # a page opened from a file: only with CLIENT_URL=*


def test_a_page_opened_from_a_file_is_refused_by_default(server):
    assert first_websocket_frame(server, "null") == ""
    with pytest.raises(socketio.exceptions.ConnectionError):
        open_socket(server.url, "null", "polling").disconnect()


@pytest.fixture(scope="module")
def any_origin_server(tmp_path_factory):
    """``CLIENT_URL=*``: any origin, as the old live-event server allowed (development)."""
    proc = ServerProcess(server_env(tmp_path_factory.mktemp("any-origin"), CLIENT_URL="*"))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
@pytest.mark.parametrize("origin", ["null", "http://anywhere.example"])
def test_a_star_client_url_lets_any_origin_connect(any_origin_server, transport, origin):
    sio = open_socket(any_origin_server.url, origin, transport)
    try:
        assert isinstance(sio.call("getActiveEvents", timeout=10), list)
    finally:
        sio.disconnect()
    answer = requests.get(any_origin_server.url + "/api/events", headers={"Origin": origin},
                          timeout=10)
    assert answer.headers["Access-Control-Allow-Origin"] == origin
