"""Hostile input over Socket.IO (issue 11, item 4), against a real server: each bad payload or
frame is refused with ``invalid`` (never ``internal``), nothing is stored or broadcast, the
socket stays usable unless the frame broke the protocol's framing, and the server log gets at
most one line per refused frame, never a traceback."""
from __future__ import annotations

import time

import pytest

from tests.e2e_support import assert_refused, effects, login, new_room, room_page, send
from tests.event_support import join_event
from tests.helpers import settle

SURROGATE = "a\ud800b"
INVISIBLE = ["zero\u200bwidth", "\ufeffbom", "evil\u202eexe", "iso\u2066late"]


@pytest.fixture
def room(connect, unique):
    """A logged-in watcher in a fresh room holding one message."""
    watcher = login(connect, unique("watch"))
    room_id = new_room(watcher, unique)
    send(watcher, room_id, "baseline")
    watcher.clear()
    return watcher, room_id


def log_text(server) -> str:
    return server.log_path.read_text(errors="replace")


def raw(client, frame: str | bytes) -> None:
    """Send one Engine.IO message exactly as given (a Socket.IO packet, or a binary frame)."""
    client.sio.eio.send(frame)


def still_works(client, room_id: int, text: str = "still here") -> None:
    assert send(client, room_id, text)["content"] == text


@pytest.mark.parametrize("event, payload", [
    ("room:message", lambda r: {"roomId": r, "message": SURROGATE}),
    ("room:message", lambda r: {"roomId": r, "message": "hi", SURROGATE: 1}),
    ("user:status", lambda r: {"status": SURROGATE}),
    ("room:create", lambda r: {"name": SURROGATE, "category": "x"}),
    ("room:create", lambda r: {"name": "ok", "description": SURROGATE}),
    ("message:private", lambda r: {"to": SURROGATE, "message": "hi"}),
])
def test_lone_surrogates_are_invalid_and_change_nothing(server, connect, unique, room, event,
                                                        payload):
    watcher, room_id = room
    sender = login(connect, unique("ana"))
    sender.call("room:join", {"roomId": room_id})
    watcher.wait_for("rooms:update", lambda d: d["id"] == room_id and d["usersCount"] == 2)
    watcher.clear()
    error = assert_refused(sender, event, payload(room_id), code="invalid")
    assert "Unicode" in error["message"]
    settle()
    assert effects(watcher, room_id=room_id) == []
    assert [m["content"] for m in room_page(server, room_id)["messages"]] == ["baseline"]


@pytest.mark.parametrize("field", ["username", "avatar", "token"])
def test_a_lone_surrogate_at_login_is_invalid(connect, field):
    client = connect()
    payload = {"username": "ana", field: SURROGATE}
    assert_refused(client, "user:login", payload, code="invalid")
    assert client.received("user:session") == []


def test_lone_surrogates_in_join_event_are_invalid(connect, unique):
    client = connect()
    assert_refused(client, "joinEvent", {"username": SURROGATE, "eventId": unique("ev")},
                   code="invalid")
    assert_refused(client, "joinEvent", {"username": "ana", "eventId": SURROGATE},
                   code="invalid")
    assert client.received("eventHistory") == []


@pytest.mark.parametrize("name", INVISIBLE)
def test_invisible_and_bidi_characters_in_names_and_titles_are_invalid(connect, unique, room,
                                                                       name):
    watcher, _ = room
    assert_refused(connect(), "user:login", {"username": name}, code="invalid")
    assert_refused(connect(), "joinEvent", {"username": name, "eventId": unique("ev")},
                   code="invalid")
    assert_refused(watcher, "room:create", {"name": name, "category": "x"}, code="invalid")
    assert_refused(watcher, "user:status", {"status": name}, code="invalid")
    settle()
    assert watcher.received("rooms:new") == []


def test_zero_width_joiners_in_emoji_names_still_pass(connect, unique):
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    client = login(connect, unique("fam") + family)
    assert client.user["username"].endswith(family)


@pytest.mark.parametrize("event_id", ["launch\n", "launch\r\n", "la unch", "x" * 65])
def test_event_ids_must_match_their_pattern_exactly(connect, unique, event_id):
    client = connect()
    assert_refused(client, "joinEvent", {"username": unique("ana"), "eventId": event_id},
                   code="invalid")
    assert client.received("eventHistory") == []


def test_a_payload_nested_too_deep_is_invalid(connect, unique, room):
    watcher, room_id = room
    deep: object = "hi"
    for _ in range(40):
        deep = [deep]
    assert_refused(watcher, "room:message", {"roomId": room_id, "message": deep},
                   code="invalid")
    still_works(watcher, room_id)


def error_events_without_event(client) -> list:
    return client.received("error", lambda d: isinstance(d, dict) and d.get("event") is None)


@pytest.mark.parametrize("frame", [
    '2[{"event": "room:message"}, {"roomId": 1}]',   # event name an object (was TypeError)
    "2[42]",                                          # event name a number
    "2[]",                                            # no event name at all
    "2{not json",                                     # undecodable
    "2" + "[" * 100_000 + "]" * 100_000,              # 100,000 deep (was RecursionError)
])
def test_malformed_frames_are_refused_and_the_socket_keeps_working(server, room, frame):
    watcher, room_id = room
    before = log_text(server)
    raw(watcher, frame)
    watcher.wait_for("error", lambda d: isinstance(d, dict) and d.get("event") is None)
    assert error_events_without_event(watcher)[-1]["code"] == "invalid"
    still_works(watcher, room_id)
    added = log_text(server)[len(before):]
    assert "Traceback" not in added and "handler error" not in added
    assert added.count("refused socket frame") == 1, added


def test_binary_attachments_are_refused_and_never_held(server, room):
    watcher, room_id = room
    raw(watcher, f'51-["room:message",{{"roomId":{room_id},'
                 '"message":{"_placeholder":true,"num":0}}]')
    raw(watcher, b"\x00" * 1024)
    watcher.wait_for("error", lambda d: isinstance(d, dict) and d.get("event") is None)
    still_works(watcher, room_id)  # the next text frame was not taken for an attachment
    assert [m["content"] for m in room_page(server, room_id)["messages"]] == [
        "still here", "baseline"]  # newest first


@pytest.mark.parametrize("frame", [
    '599999-["room:message",{"_placeholder":true,"num":0}]',  # 99,999 attachments announced
    b"\x01\x02\x03",                                           # a binary frame nobody announced
])
def test_frames_that_break_the_framing_close_the_connection(server, connect, unique, frame):
    client = login(connect, unique("bin"))
    before = log_text(server)
    raw(client, frame)
    deadline = time.time() + 5
    while client.sio.connected and time.time() < deadline:
        time.sleep(0.05)
    assert not client.sio.connected
    added = log_text(server)[len(before):]
    assert "Traceback" not in added and added.count("refused socket frame") == 1, added


def test_a_flood_of_bad_frames_writes_a_bounded_log(server, room):
    watcher, room_id = room
    before = log_text(server)
    for _ in range(200):
        raw(watcher, "2[{}]")
    watcher.wait_for("error", lambda d: isinstance(d, dict) and d.get("event") is None,
                     count=200, timeout=15)
    still_works(watcher, room_id)
    added = log_text(server)[len(before):]
    assert "Traceback" not in added
    assert added.count("refused socket frame") <= 30, added.count("refused socket frame")
    assert len(added) < 30 * 400, len(added)


def test_join_event_with_an_object_as_its_name_is_invalid(connect, unique):
    client = connect()
    assert_refused(client, "joinEvent", {"username": {"name": "ana"}, "eventId": unique("ev")},
                   code="invalid")
    assert_refused(client, "joinEvent", {"username": "ana", "eventId": {"id": "x"}},
                   code="invalid")
    joined = join_event(client, unique("ev"), unique("ana"))
    assert joined["ok"]
