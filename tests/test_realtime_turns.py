"""Sockets take turns (issue 12): events are handled inline, one socket's in order, so a
client that sends a burst must not have its whole burst handled before anyone else's frame.

Before: a reader whose client had hundreds of frames buffered handled them back to back
without giving the event loop back (SQLite and non-blocking writes never yield), so another
client's message waited for the whole burst; under the closed-loop fan-out benchmark, 5% of
the deliveries took over 10 s while the median took 44 ms."""
from __future__ import annotations

import json

import pytest

from tests.e2e_support import new_room
from tests.helpers import ChatClient
from tests.test_realtime_backpressure import non_reader, start_server

BURST = 300


@pytest.fixture(scope="module")
def unlimited_server(tmp_path_factory):
    """Rate limits off: 300 messages from one client at once."""
    proc = start_server(tmp_path_factory.mktemp("turns"))
    yield proc
    proc.stop()


def room_messages(ws, count: int) -> list[str]:
    """The contents of the next ``count`` room messages a raw client reads, in the order the
    server wrote them (python-socketio's client may run handlers out of order)."""
    ws.settimeout(60)
    seen: list[str] = []
    while len(seen) < count:
        data = ws.recv()
        if data == "2":
            ws.send("3")
        elif data.startswith('42["room:message:new"'):
            seen.append(json.loads(data[2:])[1]["message"]["content"])
    return seen


def test_a_burst_from_one_client_does_not_hold_up_another_clients_message(unlimited_server,
                                                                          unique):
    other = ChatClient(unlimited_server.url)
    try:
        other.login(unique("other"))
        room_id = new_room(other, unique)
        watcher = non_reader(unlimited_server, unique("watch"), room_id)
        burster = non_reader(unlimited_server, unique("burst"), room_id)
        for i in range(BURST):  # all on the wire before the server has handled many of them
            burster.send("42" + json.dumps(["room:message",
                                            {"roomId": room_id, "message": f"burst {i}"}]))
        other.emit("room:message", {"roomId": room_id, "message": "not kept waiting"})
        order = room_messages(watcher, BURST + 1)
        # The burst itself stays in order, each message once.
        assert [text for text in order if text.startswith("burst")] == \
            [f"burst {i}" for i in range(BURST)]
        # The other client's message went through while the burst was being handled, not
        # after all of it (it is handled within a turn or two of the burst's reader).
        assert order.index("not kept waiting") < BURST // 2, order.index("not kept waiting")
        watcher.close()
        burster.close()
    finally:
        other.close()
