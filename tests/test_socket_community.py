"""PROTOCOL.md section A, row by row, against the real server with several real clients."""
from __future__ import annotations

from tests.e2e_support import (DEFAULT_ROOMS, api_get, assert_room_message, assert_timestamp,
                               assert_user, is_int, is_user_id, join, login, new_room, room_page, send, uid)
from tests.helpers import settle


def test_login_answers_with_the_room_list(server, connect, unique):
    ana = connect()
    ack = ana.login(unique("ana"), avatar="https://example.org/ana.png")
    assert is_user_id(ack["user"]["userId"])
    assert ack["user"]["avatar"] == "https://example.org/ana.png"
    assert isinstance(ack["token"], str) and ack["token"]
    rooms = ana.wait_for("rooms:list")
    assert isinstance(rooms, list)
    assert [(r["id"], r["name"], r["category"]) for r in rooms[:5]] == DEFAULT_ROOMS
    for room in rooms:
        assert set(room) >= {"id", "name", "category", "usersCount", "isPrivate"}, room
        assert is_int(room["id"]) and is_int(room["usersCount"]) and room["usersCount"] >= 0
        assert isinstance(room["name"], str) and isinstance(room["category"], str)
        assert room["isPrivate"] is False, room  # a newcomer belongs to no private room
    rest = api_get(server, "/api/rooms").json()
    assert [(r["id"], r["name"], r["category"]) for r in rest[:5]] == DEFAULT_ROOMS
    assert all(r["isPrivate"] is False for r in rest), rest


def test_private_message_reaches_recipient_and_confirms_to_sender(connect, unique):
    ana = login(connect, unique("ana"), avatar="https://example.org/a.png")
    ben, cara = login(connect, unique("ben")), login(connect, unique("cara"))
    ack = ana.call("message:private", {"to": uid(ben), "message": "  hi ben \n"})
    assert ack["ok"], ack

    got = ben.wait_for("message:private", lambda d: d["content"] == "hi ben")
    assert set(got) >= {"from", "sender", "avatar", "content", "timestamp"}
    assert got["from"] == uid(ana) and is_user_id(got["from"])
    assert got["sender"] == ana.user["username"]
    assert got["avatar"] == "https://example.org/a.png"
    assert_timestamp(got["timestamp"])

    sent = ana.wait_for("message:private:sent")
    assert sent["to"] == uid(ben) and is_user_id(sent["to"])
    assert sent["content"] == "hi ben"
    assert sent["timestamp"] == got["timestamp"]
    settle()
    assert cara.received("message:private") == []
    assert ana.received("message:private") == []
    assert ben.received("message:private:sent") == []


def test_room_join_sends_history_announces_joiner_and_updates_count(connect, unique):
    owner, ben, cara = (login(connect, unique(n)) for n in ("own", "ben", "cara"))
    room = new_room(owner, unique)
    first = send(owner, room, "before ben came")

    ack = join(ben, room)
    assert ack["roomId"] == room
    history = ben.wait_for("room:history", lambda d: d["roomId"] == room)
    assert is_int(history["roomId"])
    assert [m["id"] for m in history["messages"]] == [first["id"]]
    assert_room_message(history["messages"][0], author=owner, content="before ben came")

    for member in (owner, ben):
        joined = member.wait_for("room:user:joined",
                                 lambda d: d["roomId"] == room and d["user"]["userId"] == uid(ben))
        assert_user(joined["user"], ben)
        assert_timestamp(joined["timestamp"])
    for anyone in (owner, ben, cara):
        anyone.wait_for("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 2)
    update = cara.received("rooms:update", lambda d: d["id"] == room)[-1]
    assert is_int(update["id"]) and is_int(update["usersCount"])
    settle()
    assert cara.received("room:user:joined", lambda d: d["roomId"] == room) == []
    assert cara.received("room:history") == []


def test_joining_a_default_room_twice_does_not_announce_twice(connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    join(ben, 3)
    join(ana, 3)
    ben.wait_for("room:user:joined", lambda d: d["roomId"] == 3 and d["user"]["userId"] == uid(ana))
    history = ana.wait_for("room:history", lambda d: d["roomId"] == 3)
    assert isinstance(history["messages"], list)
    join(ana, 3)
    ana.wait_for("room:history", lambda d: d["roomId"] == 3, count=2)
    settle()
    assert len(ben.received("room:user:joined", lambda d: d["user"]["userId"] == uid(ana))) == 1


def test_room_leave_announces_and_stops_delivery(connect, unique):
    owner, ben, cara = (login(connect, unique(n)) for n in ("own", "ben", "cara"))
    room = new_room(owner, unique)
    join(ben, room)
    cara.wait_for("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 2)

    ack = ben.call("room:leave", {"roomId": room})
    assert ack["ok"], ack
    left = owner.wait_for("room:user:left", lambda d: d["roomId"] == room)
    assert left["userId"] == uid(ben) and is_user_id(left["userId"])
    assert_timestamp(left["timestamp"])
    cara.wait_for("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 1)

    ben.clear()
    send(owner, room, "ben is gone")
    settle()
    assert ben.received("room:message:new") == []
    assert ben.call("room:message", {"roomId": room, "message": "let me in"})["ok"] is False


def test_room_message_reaches_room_including_sender_only(server, connect, unique):
    owner = login(connect, unique("own"), avatar="https://example.org/o.png")
    ben, cara = login(connect, unique("ben")), login(connect, unique("cara"))
    room = new_room(owner, unique)
    join(ben, room)

    stored = send(owner, room, "   hello room  ")
    assert_room_message(stored, author=owner, content="hello room")
    for member in (owner, ben):
        got = member.wait_for("room:message:new", lambda d: d["roomId"] == room)
        assert is_int(got["roomId"])
        assert got["message"] == stored
    second = send(ben, room, "second")
    assert second["id"] > stored["id"]
    owner.wait_for("room:message:new", lambda d: d["message"]["id"] == second["id"])
    settle()
    assert cara.received("room:message:new", lambda d: d["roomId"] == room) == []
    page = room_page(server, room)
    assert [m["content"] for m in page["messages"]] == ["second", "hello room"]


def test_room_create_announces_to_everyone_and_joins_creator(server, connect, unique):
    owner, cara = login(connect, unique("own")), login(connect, unique("cara"))
    name = unique("Chess Club ")
    ack = owner.call("room:create", {"name": f"  {name} ", "description": "knights",
                                     "category": "interests"})
    assert ack["ok"], ack
    room = ack["roomId"]
    for anyone in (owner, cara):
        new = anyone.wait_for("rooms:new", lambda d: d["id"] == room)
        assert new == {**new, "id": room, "name": name, "description": "knights",
                       "category": "interests", "usersCount": 1, "isPrivate": False}
        assert is_int(new["id"]) and is_int(new["usersCount"])
    assert owner.wait_for("room:joined")["roomId"] == room
    assert cara.received("room:joined") == []

    send(owner, room, "first post, no explicit join")  # the creator is a member
    join(cara, room)
    owner.wait_for("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 2)
    later = login(connect, unique("late"))
    listed = [r for r in later.wait_for("rooms:list") if r["id"] == room]
    assert listed and listed[0]["name"] == name and listed[0]["usersCount"] == 2
    assert any(r["id"] == room for r in api_get(server, "/api/rooms").json())


def test_room_typing_goes_to_the_others_in_the_room(connect, unique):
    owner, ben, cara = (login(connect, unique(n)) for n in ("own", "ben", "cara"))
    room = new_room(owner, unique)
    join(ben, room)
    for flag in (True, False):
        assert owner.call("user:typing", {"roomId": room, "isTyping": flag})["ok"]
        got = ben.wait_for("user:typing", lambda d, f=flag: d["isTyping"] is f)
        assert got == {**got, "roomId": room, "userId": uid(owner),
                       "username": owner.user["username"], "isTyping": flag}
    settle()
    assert owner.received("user:typing") == []
    assert cara.received("user:typing") == []


def test_private_typing_goes_to_the_recipient(connect, unique):
    ana, ben, cara = (login(connect, unique(n)) for n in ("ana", "ben", "cara"))
    assert ana.call("user:typing:private", {"to": uid(ben), "isTyping": True})["ok"]
    got = ben.wait_for("user:typing:private")
    assert got == {**got, "from": uid(ana), "isTyping": True}
    assert ana.call("user:typing:private", {"to": uid(ben), "isTyping": False})["ok"]
    ben.wait_for("user:typing:private", lambda d: d["isTyping"] is False)
    settle()
    assert cara.received("user:typing:private") == []
    assert ana.received("user:typing:private") == []


def test_status_goes_to_everyone_else(connect, unique):
    ana, ben, cara = (login(connect, unique(n)) for n in ("ana", "ben", "cara"))
    ack = ana.call("user:status", {"status": "away"})
    assert ack["ok"], ack
    for other in (ben, cara):
        got = other.wait_for("user:status:update", lambda d: d["userId"] == uid(ana))
        assert got == {**got, "userId": uid(ana), "status": "away"}
    settle()
    assert ana.received("user:status:update") == []


def test_disconnect_leaves_every_room_and_goes_offline(connect, unique):
    ana, ben, cara, dave = (login(connect, unique(n)) for n in ("ana", "ben", "cara", "dave"))
    room_a, room_b = new_room(ben, unique), new_room(cara, unique)
    join(ana, room_a)
    join(ana, room_b)
    dave.wait_for("rooms:update", lambda d: d["id"] == room_b and d["usersCount"] == 2)

    ana.close()
    for member, room in ((ben, room_a), (cara, room_b)):
        left = member.wait_for("room:user:left", lambda d, r=room: d["roomId"] == r)
        assert left["userId"] == uid(ana)
        assert_timestamp(left["timestamp"])
    for room in (room_a, room_b):
        dave.wait_for("rooms:update", lambda d, r=room: d["id"] == r and d["usersCount"] == 1)
    for other in (ben, cara, dave):
        assert is_user_id(other.wait_for("user:offline", lambda d: d["userId"] == uid(ana))["userId"])
    settle()
    assert dave.received("room:user:left") == []  # not in those rooms
