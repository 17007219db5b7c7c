"""Bounded memory per socket (issue 11, item 5): a client that stops reading is disconnected,
its TCP connection closed, without stalling the others or growing the server."""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
import websocket

from tests.conftest import server_env
from tests.e2e_support import join, new_room, uid
from tests.helpers import ChatClient, ServerProcess

CAP = 256 * 1024


def start_server(tmp: Path, **env: str) -> ServerProcess:
    proc = ServerProcess(server_env(tmp, RATE_LIMITS_ENABLED="0", **env))
    proc.migrate()
    return proc.start()


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory):
    proc = start_server(tmp_path_factory.mktemp("capped"), SOCKET_MAX_QUEUED_BYTES=str(CAP))
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def quick_ping_server(tmp_path_factory):
    proc = start_server(tmp_path_factory.mktemp("ping"), SOCKET_PING_INTERVAL="1",
                        SOCKET_PING_TIMEOUT="1")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def unlimited_server(tmp_path_factory):
    """Rate limits off: a burst of 300 messages from one address, more than once a module."""
    proc = start_server(tmp_path_factory.mktemp("unlimited"))
    yield proc
    proc.stop()


def worker_rss_kib(server: ServerProcess) -> int:
    """VmRSS of the gunicorn worker (the master's child) that holds the sockets."""
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))


def non_reader(server: ServerProcess, name: str, room_id: int | None = None) -> websocket.WebSocket:
    """A raw Socket.IO client over WebSocket with a tiny receive buffer that logs in (and joins
    ``room_id``), then is never read from again by the test until it checks for the close."""
    ws = websocket.create_connection(
        server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),), timeout=10)
    assert ws.recv().startswith("0")
    ws.send("40")
    assert ws.recv().startswith("40")
    ws.send("42" + json.dumps(["user:login", {"userId": name, "username": name}]))
    if room_id is not None:
        ws.send("42" + json.dumps(["room:join", {"roomId": room_id}]))
        while '"room:history"' not in ws.recv():
            pass
    else:
        while '"user:session"' not in ws.recv():
            pass
    return ws


def closed_by_server(ws: websocket.WebSocket, within: float) -> bool:
    """Read whatever is buffered; True if the server closed the TCP connection in time."""
    sock = ws.sock
    deadline = time.time() + within
    while time.time() < deadline:
        sock.settimeout(max(0.1, deadline - time.time()))
        try:
            if sock.recv(1 << 20) == b"":
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except TimeoutError:
            return False
    return False


def test_a_client_that_stops_reading_in_a_busy_room_is_cut_off_and_memory_stays_flat(
        capped_server, unique):
    sender = ChatClient(capped_server.url)
    watcher = ChatClient(capped_server.url)
    try:
        sender.login(unique("send"))
        watcher.login(unique("watch"))
        room_id = new_room(sender, unique)
        join(watcher, room_id)
        stuck = non_reader(capped_server, unique("stuck"), room_id)

        # ~24 KB per frame (non-ASCII text is \u-escaped): ~7 MB for each member in all.
        count, text = 300, "ж" * 3990
        for i in range(count):
            if i == count // 2:
                rss_half = worker_rss_kib(capped_server)
            ack = sender.call("room:message", {"roomId": room_id, "message": f"{i:04d}{text}"})
            assert ack["ok"], ack
        # The others were not held up: the watcher has every message, in order, at once.
        watcher.wait_for("room:message:new", lambda d: d["roomId"] == room_id, count=count,
                         timeout=10)
        got = [d["message"]["content"][:4] for d in watcher.received("room:message:new")]
        assert got == [f"{i:04d}" for i in range(count)]

        growth_mib = (worker_rss_kib(capped_server) - rss_half) / 1024
        print(f"server RSS growth over the second half: {growth_mib:.1f} MiB")
        # Flat: without the cap the server keeps every message for the non-reader (over the
        # second half ~3.5 MB of frames, twice that as Python strings); with it, no more than
        # the cap ever waits in the process (the kernel's socket buffers are not in RSS).
        assert growth_mib < 3, f"server grew by {growth_mib:.1f} MiB"
        assert closed_by_server(stuck, within=10), "the non-reader's TCP connection stays open"
        # It left like any disconnect: the room heard it.
        watcher.wait_for("room:user:left", lambda d: d["roomId"] == room_id, timeout=10)
    finally:
        sender.close()
        watcher.close()


def test_an_idle_client_that_stops_reading_is_dropped_after_the_ping_timeout(
        quick_ping_server, unique):
    watcher = ChatClient(quick_ping_server.url)  # answers pings: stays
    try:
        watcher.login(unique("watch"))
        stuck = non_reader(quick_ping_server, unique("idle"))
        assert closed_by_server(stuck, within=15), "the non-reader's TCP connection stays open"
        watcher.wait_for("user:offline", timeout=10)
        time.sleep(1.5)  # several ping intervals: a client that answers pings is kept
        assert watcher.sio.connected
        assert watcher.call("user:status", {"status": "here"})["ok"]
        assert uid(watcher)
    finally:
        watcher.close()


def test_a_reader_that_falls_behind_gets_everything_in_order_once(server, unique):
    """Frames that wait in the server's backlog (the client paused) come out in order, each
    once, behind what was already queued, when it reads again."""
    sender = ChatClient(server.url)
    try:
        sender.login(unique("send"))
        room_id = new_room(sender, unique)
        slow = non_reader(server, unique("slow"), room_id)
        # ~7 MB: more than the kernel buffers hold (4 MB), less than the cap (8 MiB). Each
        # frame carries the text twice, \u-escaped: as ``content`` and rendered as ``html``.
        count, text = 300, "ж" * 1990
        for i in range(count):
            assert sender.call("room:message", {"roomId": room_id, "message": f"{i:04d}{text}"})["ok"]
        seen: list[str] = []
        slow.settimeout(15)
        while len(seen) < count:
            frame = slow.recv()
            if frame == "2":  # an Engine.IO ping: answer it, as any client does
                slow.send("3")
            elif frame.startswith('42["room:message:new"'):
                seen.append(json.loads(frame[2:])[1]["message"]["content"][:4])
        assert seen == [f"{i:04d}" for i in range(count)]
        slow.close()
    finally:
        sender.close()


def test_a_websocket_ping_while_a_backlog_waits_is_answered_behind_it_intact(unlimited_server,
                                                                             unique):
    """A WebSocket-level ping (some clients and proxies send them) while the client's backlog
    waits: the pong goes out behind the backlog, the stream stays whole and the session lives
    (gevent-websocket wrote its pong straight to the socket: mid-frame, or refused because
    the backlog's writer was already waiting on it, which ended the session)."""
    sender = ChatClient(unlimited_server.url)
    try:
        sender.login(unique("send"))
        room_id = new_room(sender, unique)
        slow = non_reader(unlimited_server, unique("slow"), room_id)
        count, text = 300, "ж" * 1990  # ~7 MB, as above: a backlog waits behind the kernel's
        for i in range(count):
            assert sender.call("room:message", {"roomId": room_id, "message": f"{i:04d}{text}"})["ok"]
        slow.ping("still there?")
        seen: list[str] = []
        pong_after = None
        slow.settimeout(15)
        while len(seen) < count or pong_after is None:
            opcode, frame = slow.recv_data_frame(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_PONG:
                assert frame.data == b"still there?"
                pong_after = len(seen)
            elif opcode == websocket.ABNF.OPCODE_TEXT:
                data = frame.data.decode()
                if data == "2":
                    slow.send("3")
                elif data.startswith('42["room:message:new"'):
                    seen.append(json.loads(data[2:])[1]["message"]["content"][:4])
        assert seen == [f"{i:04d}" for i in range(count)]
        assert pong_after == count  # behind everything queued before the ping
        # The session lives on: the client's own message goes round.
        slow.send("42" + json.dumps(["room:message", {"roomId": room_id, "message": "after"}]))
        while True:
            data = slow.recv()
            if data.startswith('42["room:message:new"'):
                assert json.loads(data[2:])[1]["message"]["content"] == "after"
                break
        slow.close()
    finally:
        sender.close()


def test_a_client_that_closes_gets_the_close_frame_back(unlimited_server, unique):
    """RFC 6455 5.5.1: the endpoint that receives a close frame sends one in response. The
    reply waits for the end of the loop's turn like any frame; the session ending right after
    must not drop it (a browser would report an unclean close, code 1006)."""
    ws = non_reader(unlimited_server, unique("closer"))
    ws.send_close(websocket.STATUS_NORMAL)
    ws.settimeout(5)
    while True:  # (gevent-websocket's reply carries no status code: only its opcode is checked)
        opcode, _ = ws.recv_data_frame(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
    ws.shutdown()
