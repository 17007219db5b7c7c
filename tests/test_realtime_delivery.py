"""The frame-once delivery path (chatapp/realtime/engine) changes no behaviour a client sees:
every recipient exactly once, per-socket order, the sender's own copy, skip-sender events,
large payloads, and polling and upgrading clients next to WebSocket ones."""
from __future__ import annotations

import time

import pytest
from engineio import payload as eio_payload

from tests.e2e_support import join, login, new_room, send, uid
from tests.helpers import settle


@pytest.fixture(autouse=True)
def polling_client_reads_long_polls():
    """python-engineio's *client* refuses a poll answer of more than 16 packets; browsers take
    any number, and a burst to a polling client is what these tests are about."""
    saved = eio_payload.Payload.max_decode_packets
    eio_payload.Payload.max_decode_packets = 10_000
    yield
    eio_payload.Payload.max_decode_packets = saved


def contents(client, room_id: int) -> list[str]:
    return [d["message"]["content"] for d in client.received(
        "room:message:new", lambda d: d["roomId"] == room_id)]


def wait_count(client, room_id: int, count: int, timeout: float = 20) -> list[str]:
    client.wait_for("room:message:new", lambda d: d["roomId"] == room_id, count=count,
                    timeout=timeout)
    return contents(client, room_id)


def test_every_member_gets_every_message_once_in_each_senders_order(connect, unique):
    ana = login(connect, unique("ana"))
    ben = login(connect, unique("ben"))
    polling = connect(transports=["polling"])
    polling.login(unique("poll"))
    upgrading = connect(transports=["polling", "websocket"])
    upgrading.login(unique("upg"))
    room_id = new_room(ana, unique)
    for client in (ben, polling, upgrading):
        join(client, room_id)

    # Both senders fire without waiting for acknowledgements, so their messages interleave
    # and queue up behind each other on every socket.
    per_sender = 60
    for i in range(per_sender):
        ana.emit("room:message", {"roomId": room_id, "message": f"a{i}"})
        ben.emit("room:message", {"roomId": room_id, "message": f"b{i}"})

    for client in (ana, ben, polling, upgrading):
        got = wait_count(client, room_id, 2 * per_sender)
        settle(0.2)
        got = contents(client, room_id)
        assert len(got) == 2 * per_sender, "each message exactly once, the sender's own too"
        assert [c for c in got if c[0] == "a"] == [f"a{i}" for i in range(per_sender)]
        assert [c for c in got if c[0] == "b"] == [f"b{i}" for i in range(per_sender)]
    # The polling client was never moved to WebSocket; the other one was.
    assert polling.sio.transport() == "polling"
    assert upgrading.sio.transport() == "websocket"


def test_one_sockets_events_keep_the_order_they_were_emitted_in(connect, unique):
    """Events of different kinds to one socket (join echo, counts, messages) stay in order."""
    ana = login(connect, unique("ana"))
    room_id = new_room(ana, unique)
    ben = login(connect, unique("ben"))
    ana.clear()
    join(ben, room_id)
    send(ben, room_id, "after-join")
    ana.wait_for("room:message:new", lambda d: d["roomId"] == room_id)
    names = [name for name, data in ana.events
             if name in ("room:user:joined", "rooms:update", "room:message:new")]
    assert names.index("room:user:joined") < names.index("room:message:new")


def test_skip_sender_events_reach_the_others_but_not_the_sender(connect, unique):
    ana = login(connect, unique("ana"))
    ben = login(connect, unique("ben"))
    room_id = new_room(ana, unique)
    join(ben, room_id)
    ana.clear()
    ben.clear()
    assert ana.call("user:typing", {"roomId": room_id, "isTyping": True})["ok"]
    typing = ben.wait_for("user:typing")
    assert typing["userId"] == uid(ana) and typing["isTyping"] is True
    settle()
    assert ana.received("user:typing") == []


def test_large_messages_and_history_arrive_intact_on_every_transport(connect, unique):
    """4,000-character messages of non-ASCII text (a 16-bit frame length) and a history of 40
    of them (one frame over 64 KiB: the 64-bit length form), within the default per-socket
    cap even though the joiner is sent the history twice (event and acknowledgement)."""
    ana = login(connect, unique("ana"))
    polling = connect(transports=["polling"])
    polling.login(unique("poll"))
    room_id = new_room(ana, unique)
    join(polling, room_id)
    texts = [f"{i:04d}🙂" + "ж" * 3990 for i in range(40)]
    for text in texts:
        send(ana, room_id, text)
    assert wait_count(ana, room_id, 40) == texts
    assert wait_count(polling, room_id, 40) == texts

    late = login(connect, unique("late"))
    ack = join(late, room_id)
    history = late.wait_for("room:history", lambda d: d["roomId"] == room_id)
    assert [m["content"] for m in history["messages"]] == texts
    assert [m["content"] for m in ack["messages"]] == texts


def test_a_private_message_reaches_every_tab_once(connect, unique):
    ana = login(connect, unique("ana"))
    ben = login(connect, unique("ben"))
    ben_polling = connect(transports=["polling"])
    ack = ben_polling.call("user:login", {"userId": uid(ben), "username": ben.user["username"],
                                          "token": ben.token})
    assert ack["ok"], ack
    assert ana.call("message:private", {"to": uid(ben), "message": "hello"})["ok"]
    for tab in (ben, ben_polling):
        tab.wait_for("message:private")
    deadline = time.time() + 0.3
    while time.time() < deadline:
        time.sleep(0.05)
    assert len(ben.received("message:private")) == 1
    assert len(ben_polling.received("message:private")) == 1
