"""Connection state recovery (Socket.IO v4.6+) against a real server: the CONNECT answer's
``pid``, the trailing offset of each event, and a reconnect with ``{pid, offset}`` that keeps
identity and rooms and receives what was missed, once and in order."""
from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import server_env
from tests.helpers import ChatClient, ServerProcess, settle
from tests.network_cut import CuttableLink


def room_texts(client: ChatClient, room_id: int) -> list[str]:
    return [m["message"]["content"] for m in client.received(
        "room:message:new", lambda d: d["roomId"] == room_id)]


def new_room(client: ChatClient, name: str) -> int:
    ack = client.call("room:create", {"name": name, "category": "testing"})
    assert ack["ok"], ack
    return ack["roomId"]


def send(client: ChatClient, room_id: int, text: str) -> dict:
    ack = client.call("room:message", {"roomId": room_id, "message": text})
    assert ack["ok"], ack
    return ack


@pytest.fixture
def link(server):
    made = CuttableLink(server.port).start()
    yield made
    made.close()


def cut_off(client: ChatClient, link: CuttableLink) -> tuple[str, str]:
    """Cut the client's link (as a network drop would) and return its ``(pid, offset)``."""
    pid, offset = client.pid, client.offsets[-1]
    link.cut()
    deadline = time.time() + 5
    while client.sio.connected and time.time() < deadline:
        time.sleep(0.05)
    link.restore()
    time.sleep(0.3)  # the server handles the disconnect
    return pid, offset


def test_connect_answer_carries_a_pid_and_events_an_offset(connect, unique):
    ana = connect()
    assert isinstance(ana.pid, str) and len(ana.pid) >= 16
    ana.login(unique("ana"))
    room = new_room(ana, unique("room"))
    ben = connect()
    assert ben.pid != ana.pid
    ben.login(unique("ben"))
    ben.call("room:join", {"roomId": room})
    ana.clear()
    ana.offsets.clear()
    send(ben, room, "hello")
    ana.wait_for("room:message:new")
    assert len(ana.offsets) == len(ana.events) >= 1  # every event came with an offset
    # Typing is volatile (as socket.io's volatile emits): no offset, nothing to replay.
    ben.emit("user:typing", {"roomId": room, "isTyping": True})
    ana.wait_for("user:typing")
    assert len(ana.offsets) == len(ana.events) - 1
    assert [int(o) for o in ana.offsets] == sorted(int(o) for o in ana.offsets)


def test_a_reconnect_resumes_identity_rooms_and_missed_events(server, link, connect, unique):
    ana = ChatClient(link.url)
    ana.login(unique("ana"))
    room = new_room(ana, unique("room"))
    ben = connect()
    ben.login(unique("ben"))
    ben.call("room:join", {"roomId": room})
    send(ben, room, "before")
    ana.wait_for("room:message:new")

    pid, offset = cut_off(ana, link)
    missed = [send(ben, room, f"missed {n}")["message"]["id"] for n in range(5)]
    ack = ben.call("message:private", {"to": ana.user["userId"], "message": "psst"})
    assert ack["ok"], ack

    again = ChatClient(link.url, auth={"pid": pid, "offset": offset})
    try:
        assert again.pid == pid  # socket.io-client sets socket.recovered from this
        again.wait_for("message:private")
        assert room_texts(again, room) == [f"missed {n}" for n in range(5)]
        got_ids = [m["message"]["id"] for m in again.received("room:message:new")]
        assert got_ids == missed
        # Still in the room and still ana, without logging in or joining again.
        send(again, room, "back")
        assert ben.wait_for("room:message:new", lambda d: d["message"]["content"] == "back")[
            "message"]["userId"] == ana.user["userId"]
        settle()
        assert room_texts(again, room).count("missed 0") == 1
    finally:
        again.close()
        ana.close()
        ben.close()


def test_a_resumed_session_can_be_resumed_again(server, link, connect, unique):
    ana = ChatClient(link.url)
    ana.login(unique("ana"))
    room = new_room(ana, unique("room"))
    ben = connect()
    ben.login(unique("ben"))
    ben.call("room:join", {"roomId": room})
    send(ben, room, "zero")
    ana.wait_for("room:message:new")
    pid, offset = cut_off(ana, link)
    send(ben, room, "one")
    second = ChatClient(link.url, auth={"pid": pid, "offset": offset})
    second.wait_for("room:message:new")
    pid2, offset2 = cut_off(second, link)
    assert pid2 == pid
    send(ben, room, "two")
    third = ChatClient(link.url, auth={"pid": pid, "offset": offset2})
    try:
        assert third.pid == pid
        third.wait_for("room:message:new")
        settle()
        assert room_texts(third, room) == ["two"]
    finally:
        for client in (ana, second, third, ben):
            client.close()


def test_an_unknown_session_starts_afresh(connect):
    client = connect(auth={"pid": "not-a-session", "offset": "1"})
    assert client.pid and client.pid != "not-a-session"
    ack = client.call("room:message", {"roomId": 1, "message": "hi"})
    assert ack["error"]["code"] == "not_logged_in"


def test_a_session_closed_by_a_logout_is_not_resumed(server, connect, unique):
    """The server closed the socket on purpose (here: a logout): no way back as that user."""
    watcher = connect()
    watcher.login(unique("watcher"))
    ana = connect()
    ana.login(unique("ana"))
    ana.wait_for("user:session")
    pid, offset = ana.pid, ana.offsets[-1]
    response = requests.post(server.url + "/api/auth/logout",
                             headers={"Authorization": f"Bearer {ana.token}"}, timeout=10)
    assert response.status_code in (200, 204), response.text
    # The server has handled the disconnect once it announces her gone.
    watcher.wait_for("user:offline", lambda d: d["userId"] == ana.user["userId"], timeout=10)
    again = connect(auth={"pid": pid, "offset": offset})
    assert again.pid != pid
    assert again.call("user:status", {"status": "x"})["error"]["code"] == "not_logged_in"


@pytest.fixture(scope="module")
def short_window_server(tmp_path_factory):
    proc = ServerProcess(server_env(tmp_path_factory.mktemp("short"), RECOVERY_WINDOW="1"))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def test_beyond_the_window_a_clean_new_session(short_window_server, unique):
    link = CuttableLink(short_window_server.port).start()
    ana = ChatClient(link.url)
    try:
        ana.login(unique("ana"))
        pid, offset = cut_off(ana, link)
        time.sleep(2)
        again = ChatClient(link.url, auth={"pid": pid, "offset": offset})
        assert again.pid != pid
        assert again.call("user:status", {"status": "x"})["error"]["code"] == "not_logged_in"
        again.close()
        metrics = requests.get(short_window_server.url + "/metrics", timeout=5).text
        assert 'chat_recoveries_total{outcome="expired"}' in metrics
    finally:
        ana.close()
        link.close()


@pytest.fixture(scope="module")
def recovery_off_server(tmp_path_factory):
    proc = ServerProcess(server_env(tmp_path_factory.mktemp("off"),
                                    CONNECTION_STATE_RECOVERY="0"))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def test_recovery_can_be_turned_off(recovery_off_server, unique):
    ana = ChatClient(recovery_off_server.url)
    try:
        assert ana.pid is None
        ana.login(unique("ana"))
        ana.wait_for("user:session")
        assert ana.offsets == []
    finally:
        ana.close()


def test_a_live_event_guest_resumes_in_its_event(server, link, connect, unique):
    """The old live-event client's guest (made by joinEvent, no token kept by the client)
    is the same user in the same event after a reconnect, and hears what it missed."""
    from tests.event_support import join_event, say

    event_id = unique("ev")
    ana = ChatClient(link.url)
    join_event(ana, event_id, unique("ana"))
    ben = connect()
    join_event(ben, event_id, unique("ben"))
    say(ben, "hello")
    ana.wait_for("newMessage")

    pid, offset = cut_off(ana, link)
    say(ben, "while you were away")
    again = ChatClient(link.url, auth={"pid": pid, "offset": offset})
    try:
        assert again.pid == pid
        missed = again.wait_for("newMessage")
        assert missed["text"] == "while you were away"
        # Still in the event, as the same guest: sendMessage works without joinEvent.
        said = say(again, "back")
        assert said["username"] == ana.user["username"]
        assert ben.wait_for("newMessage", lambda m: m["text"] == "back")["username"] == \
            ana.user["username"]
    finally:
        for client in (again, ana, ben):
            client.close()
