"""``room:join {roomId, after}`` and ``joinEvent {..., after}`` over a real server: a client
that was away gets every message it missed, in order, in pages, instead of the last 100."""
from __future__ import annotations

from tests.e2e_support import assert_refused, login, new_room, send
from tests.event_support import join_event, say


def test_room_join_after_sends_every_missed_message_in_pages(connect, unique):
    ana = login(connect, unique("ana"))
    room = new_room(ana, unique)
    ids = [send(ana, room, f"m{i}")["id"] for i in range(230)]
    reader = login(connect, unique("ben"))
    ack = reader.call("room:join", {"roomId": room, "after": ids[9]})
    assert ack["ok"] and [m["id"] for m in ack["messages"]] == ids[10:]
    assert ack["nextAfter"] is None
    last = reader.wait_for("room:history", lambda d: d["roomId"] == room and not d["continues"])
    pages = reader.received("room:history", lambda d: d["roomId"] == room)
    assert [len(p["messages"]) for p in pages] == [100, 100, 20]
    assert [m["id"] for p in pages for m in p["messages"]] == ids[10:]
    assert pages[0]["after"] == ids[9] and last["nextAfter"] is None
    assert [p["continues"] for p in pages] == [True, True, False]


def test_room_join_without_after_is_unchanged(connect, unique):
    ana = login(connect, unique("ana"))
    room = new_room(ana, unique)
    ids = [send(ana, room, f"m{i}")["id"] for i in range(3)]
    ack = ana.call("room:join", {"roomId": room})
    assert [m["id"] for m in ack["messages"]] == ids and "nextAfter" not in ack
    history = ana.wait_for("room:history", lambda d: d["roomId"] == room)
    assert set(history) == {"roomId", "messages"}


def test_join_event_after_sends_the_missed_messages(connect, unique):
    event_id = unique("ev")
    host = connect()
    join_event(host, event_id, unique("host"))
    ids = [say(host, f"t{i}")["id"] for i in range(5)]
    late = connect()
    ack = late.call("joinEvent", {"username": unique("late"), "eventId": event_id,
                                  "after": ids[1]})
    assert ack["ok"], ack
    history = late.wait_for("eventHistory")
    assert [m["id"] for m in history["messages"]] == ids[2:]
    assert (history["after"], history["nextAfter"], history["continues"]) == (
        int(ids[1]), None, False)
    assert history["participants"] and history["event"]["id"] == event_id


def test_a_bad_cursor_is_invalid_and_joins_nothing(connect, unique):
    ana = login(connect, unique("ana"))
    room = new_room(ana, unique)
    ben = login(connect, unique("ben"))
    assert_refused(ben, "room:join", {"roomId": room, "after": -5}, code="invalid")
    assert_refused(ben, "room:join", {"roomId": room, "after": "soon"}, code="invalid")
    assert ben.received("room:history") == []
    assert_refused(connect(), "joinEvent", {"username": unique("x"), "eventId": unique("ev"),
                                            "after": [1]}, code="invalid")
