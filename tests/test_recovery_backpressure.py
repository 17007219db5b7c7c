"""A replay after a reconnect goes through the same per-socket backlog as live events, paced
to stay under half the cap (SOCKET_MAX_QUEUED_BYTES): a client that reads gets a gap many
times the cap, in order, once (unpaced, the burst would trip the cap); one that reads nothing
is cut off (the ping timeout) instead of growing the server, and its session stays
resumable."""
from __future__ import annotations

import json
import socket
import time

import pytest
import websocket

from tests.e2e_support import new_room
from tests.helpers import ChatClient
from tests.test_realtime_backpressure import CAP, closed_by_server, start_server

PING = 4  # seconds, interval and timeout: how long a client that reads nothing is kept


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory):
    proc = start_server(tmp_path_factory.mktemp("capped-replay"),
                        SOCKET_MAX_QUEUED_BYTES=str(CAP), SOCKET_PING_INTERVAL=str(PING),
                        SOCKET_PING_TIMEOUT=str(PING))
    yield proc
    proc.stop()


def raw_socket(url: str, auth: dict | None = None) -> tuple[websocket.WebSocket, dict]:
    """A raw Socket.IO client over WebSocket with a tiny receive buffer; returns it with the
    CONNECT answer (``{sid, pid}``)."""
    ws = websocket.create_connection(
        url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),), timeout=10)
    assert ws.recv().startswith("0")
    ws.send("40" + (json.dumps(auth) if auth else ""))
    answer = ws.recv()
    assert answer.startswith("40{"), answer
    return ws, json.loads(answer[2:])


def test_a_replay_many_times_the_cap_reaches_a_reader_and_cuts_a_non_reader(
        capped_server, unique):
    sender = ChatClient(capped_server.url)
    try:
        sender.login(unique("send"))
        room_id = new_room(sender, unique)
        away, hello = raw_socket(capped_server.url)
        name = unique("away")
        away.send("42" + json.dumps(["user:login", {"userId": name, "username": name}]))
        away.send("42" + json.dumps(["room:join", {"roomId": room_id}]))
        while not (frame := away.recv()).startswith('42["room:history"'):
            pass
        offset = json.loads(frame[2:])[-1]  # the trailing offset of the last event it got
        away.sock.close()  # the link drops: the session may be resumed
        time.sleep(0.5)

        # ~24 KB per frame (non-ASCII text is \u-escaped): ~7 MB missed, far over the cap.
        count, text = 300, "ж" * 3990
        for i in range(count):
            ack = sender.call("room:message", {"roomId": room_id, "message": f"{i:04d}{text}"})
            assert ack["ok"], ack

        stuck, answer = raw_socket(capped_server.url, {"pid": hello["pid"], "offset": offset})
        assert answer["pid"] == hello["pid"]  # resumed: the replay is on its way
        time.sleep(3 * PING)  # reading nothing, not even pings
        assert closed_by_server(stuck, within=5), "the non-reader's TCP connection stays open"
        time.sleep(0.5)

        # The session is still there: a client that reads gets the whole gap, in order, once.
        reader = ChatClient(capped_server.url, auth={"pid": hello["pid"], "offset": offset})
        try:
            assert reader.pid == hello["pid"]
            reader.wait_for("room:message:new", count=count, timeout=30)
            got = [d["message"]["content"][:4] for d in reader.received("room:message:new")]
            assert got == [f"{i:04d}" for i in range(count)]
        finally:
            reader.close()
    finally:
        sender.close()
