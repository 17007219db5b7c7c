"""Who a socket is: several tabs of one user, guests, stolen ids, forged tokens, offline mail."""
from __future__ import annotations

import pytest

from tests.e2e_support import (api_get, assert_refused, is_int, join, login, new_room,
                               second_tab, send, uid)
from tests.helpers import settle


def test_private_messages_and_typing_reach_every_tab(connect, unique):
    ana1 = login(connect, unique("ana"))
    ana2 = second_tab(connect, ana1)
    assert ana2.user == ana1.user
    ben, cara = login(connect, unique("ben")), login(connect, unique("cara"))

    assert ben.call("message:private", {"to": uid(ana1), "message": "to all tabs"})["ok"]
    assert ben.call("user:typing:private", {"to": uid(ana1), "isTyping": True})["ok"]
    for tab in (ana1, ana2):
        got = tab.wait_for("message:private", lambda d: d["content"] == "to all tabs")
        assert got["from"] == uid(ben)
        assert tab.wait_for("user:typing:private")["from"] == uid(ben)

    # A reply from either tab is from the same user.
    assert ana2.call("message:private", {"to": uid(ben), "message": "from tab 2"})["ok"]
    assert ben.wait_for("message:private", lambda d: d["content"] == "from tab 2")["from"] == uid(ana1)
    settle()
    assert cara.received("message:private") == []


def test_two_tabs_in_a_room_count_once_and_leave_once(connect, unique):
    owner, cara = login(connect, unique("own")), login(connect, unique("cara"))
    room = new_room(owner, unique)
    ana1 = login(connect, unique("ana"))
    ana2 = second_tab(connect, ana1)
    join(ana1, room)
    cara.wait_for("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 2)
    join(ana2, room)
    ana2.wait_for("room:history", lambda d: d["roomId"] == room)
    settle()
    counts = [d["usersCount"] for d in cara.received("rooms:update", lambda d: d["id"] == room)]
    assert counts and max(counts) == 2 and counts[-1] == 2, counts
    assert len(owner.received("room:user:joined", lambda d: d["user"]["userId"] == uid(ana1))) == 1

    ana1.close()  # the first tab goes: ana is still in the room and still online
    cara.wait_for("rooms:update", lambda d: d["id"] == room, count=len(counts) + 1)
    settle()
    assert cara.received("rooms:update", lambda d: d["id"] == room)[-1]["usersCount"] == 2
    assert owner.received("room:user:left", lambda d: d["roomId"] == room) == []
    assert cara.received("user:offline", lambda d: d["userId"] == uid(ana2)) == []
    assert send(ana2, room, "still here")["userId"] == uid(ana2)

    ana2.close()  # the last tab goes
    assert owner.wait_for("room:user:left", lambda d: d["roomId"] == room)["userId"] == uid(ana2)
    cara.wait_for("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 1)
    cara.wait_for("user:offline", lambda d: d["userId"] == uid(ana2))


def test_a_name_in_use_online_gets_another_name_and_id(connect, unique):
    name = unique("sam")
    first = login(connect, name)
    second = login(connect, name)
    assert first.user["username"] == name
    assert second.user["username"] != name and second.user["username"].startswith(name)
    assert uid(second) != uid(first)


def test_claiming_another_users_id_gets_a_new_identity_and_none_of_theirs(connect, unique):
    victim, ben = login(connect, unique("vic")), login(connect, unique("ben"))
    thief = connect()
    ack = thief.call("user:login", {"userId": uid(victim), "username": victim.user["username"],
                                    "avatar": None})
    assert ack["ok"], ack
    assert ack["user"]["userId"] != uid(victim)
    assert ack["user"]["username"] != victim.user["username"]
    assert ack["token"] != victim.token

    assert ben.call("message:private", {"to": uid(victim), "message": "secret"})["ok"]
    assert ben.call("user:typing:private", {"to": uid(victim), "isTyping": True})["ok"]
    victim.wait_for("message:private", lambda d: d["content"] == "secret")
    victim.wait_for("user:typing:private")
    settle()
    assert thief.received("message:private") == []
    assert thief.received("user:typing:private") == []


@pytest.mark.parametrize("forge", ["garbage", "tampered", "not-a-string"])
def test_a_forged_token_is_refused_and_leaves_the_socket_anonymous(connect, unique, forge):
    real = login(connect, unique("real"))
    token = {"garbage": "abc.def.ghi", "not-a-string": {"uid": uid(real)},
             "tampered": real.token[:-3] + ("AAA" if not real.token.endswith("AAA") else "BBB")}[forge]
    mallory = connect()
    ack = mallory.call("user:login", {"userId": uid(real), "username": "x", "token": token})
    assert ack["ok"] is False and isinstance(ack["error"]["code"], str), ack
    assert "token" not in ack and "user" not in ack
    assert isinstance(mallory.wait_for("auth:error")["message"], str)
    assert_refused(mallory, "room:join", {"roomId": 1}, code="not_logged_in")
    assert_refused(mallory, "message:private", {"to": uid(real), "message": "hi"},
                   code="not_logged_in")


def test_handshake_token_identifies_the_socket_without_login(connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    tab = connect(auth={"token": ana.token})
    room = new_room(ben, unique)
    ack = tab.call("room:join", {"roomId": room})
    assert ack["ok"], ack
    joined = ben.wait_for("room:user:joined", lambda d: d["roomId"] == room)
    assert joined["user"]["userId"] == uid(ana)
    assert ben.call("message:private", {"to": uid(ana), "message": "via handshake"})["ok"]
    tab.wait_for("message:private", lambda d: d["content"] == "via handshake")


def test_a_bad_handshake_token_gets_auth_error_and_no_identity(connect, unique):
    ana = login(connect, unique("ana"))
    bad = connect(auth={"token": ana.token + "x"})
    assert isinstance(bad.wait_for("auth:error")["message"], str)
    assert_refused(bad, "room:join", {"roomId": 1}, code="not_logged_in")
    guest = bad.login(unique("guest"))  # it may still log in, as somebody else
    assert guest["user"]["userId"] != uid(ana)


def test_private_message_to_an_offline_user_is_kept_for_them_only(server, connect, unique):
    ana, ben, cara = (login(connect, unique(n)) for n in ("ana", "ben", "cara"))
    ben_id, ben_token = uid(ben), ben.token
    ben.close()
    ana.wait_for("user:offline", lambda d: d["userId"] == ben_id)
    ack = ana.call("message:private", {"to": ben_id, "message": "  while you were out "})
    assert ack["ok"], ack

    back = connect(auth={"token": ben_token})
    relogin = back.call("user:login", {"token": ben_token})
    assert relogin["ok"] and relogin["user"]["userId"] == ben_id, relogin
    response = api_get(server, f"/api/conversations/{uid(ana)}/messages", relogin["token"])
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    assert [m["content"] for m in messages] == ["while you were out"]
    assert messages[0]["from"] == uid(ana) and messages[0]["to"] == ben_id
    assert is_int(messages[0]["id"])

    for other in (uid(ana), ben_id):  # cara's conversations with either of them are empty
        response = api_get(server, f"/api/conversations/{other}/messages", cara.token)
        assert response.status_code == 200, response.text
        assert response.json()["messages"] == []
    assert api_get(server, f"/api/conversations/{uid(ana)}/messages").status_code == 401
    assert api_get(server, f"/api/conversations/{uid(ana)}/messages",
                   ben_token[:-2] + "zz").status_code == 401


def test_switching_identity_with_a_token_drops_the_old_identitys_traffic(connect, unique):
    guest, target, ben = (login(connect, unique(n)) for n in ("gst", "tgt", "ben"))
    old_id = uid(guest)
    room = new_room(ben, unique)
    join(guest, room)
    ack = guest.call("user:login", {"token": target.token})
    assert ack["ok"] and ack["user"]["userId"] == uid(target), ack
    ben.wait_for("room:user:left", lambda d: d["roomId"] == room and d["userId"] == old_id)
    guest.clear()
    send(ben, room, "for the room only")
    assert ben.call("message:private", {"to": old_id, "message": "for the old guest"})["ok"]
    settle()
    assert guest.received("room:message:new") == []
    assert guest.received("message:private") == []
