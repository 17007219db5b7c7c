"""Moderation end to end: real clients against a real server process (both protocols, REST).

This module's ``server`` (module scoped, from conftest) is restarted by the last test, to show
that a ban outlives the process."""
from __future__ import annotations

import time

from tests.e2e_support import (api_get, assert_refused, join, login, new_room, room_page, send,
                               uid)
from tests.event_support import api, join_event, say
from tests.helpers import settle


def owned_room(connect, unique, *others: str):
    """A fresh room owned by a new guest, with one new guest per name in ``others`` in it."""
    owner = login(connect, unique("olga"))
    room = new_room(owner, unique)
    people = [login(connect, unique(name)) for name in others]
    for person in people:
        join(person, room)
    return owner, room, people


def test_a_moderator_deletes_a_message_and_everyone_sees_it_go(server, connect, unique):
    olga, room, (mia, ana, ben) = owned_room(connect, unique, "mia", "ana", "ben")
    assert olga.call("room:moderator", {"roomId": room, "userId": uid(mia),
                                        "isModerator": True}) == {
        "ok": True, "roomId": room, "userId": uid(mia), "isModerator": True}
    ben.wait_for("room:moderator", lambda d: d["userId"] == uid(mia) and d["isModerator"])
    message, kept = send(ana, room, "regrettable"), send(ben, room, "fine")

    ack = mia.call("room:message:delete", {"roomId": room, "messageId": message["id"]})
    assert ack == {"ok": True, "roomId": room, "messageId": message["id"]}
    for client in (ben, ana, olga, mia):
        assert client.wait_for("room:message:deleted") == {"roomId": room,
                                                           "messageId": message["id"]}
    assert [m["id"] for m in room_page(server, room)["messages"]] == [kept["id"]]
    late = login(connect, unique("late"))
    assert [m["id"] for m in join(late, room)["messages"]] == [kept["id"]]
    assert_refused(ben, "room:message:delete", {"roomId": room, "messageId": kept["id"] + 1000},
                   code="not_found")
    assert_refused(ben, "room:message:delete", {"roomId": room, "messageId": "x"}, code="invalid")


def test_members_cannot_moderate_and_anonymous_sockets_are_refused(connect, unique):
    olga, room, (ana,) = owned_room(connect, unique, "ana")
    message = send(olga, room, "mine")
    for event, payload in (("room:message:delete", {"roomId": room, "messageId": message["id"]}),
                           ("room:kick", {"roomId": room, "userId": uid(olga)}),
                           ("room:mute", {"roomId": room, "userId": uid(olga), "seconds": 60}),
                           ("room:slowmode", {"roomId": room, "seconds": 5})):
        assert_refused(ana, event, payload, code="forbidden")
    anonymous = connect()
    assert_refused(anonymous, "room:kick", {"roomId": room, "userId": uid(ana)},
                   code="not_logged_in")
    assert_refused(anonymous, "kickUser", {"eventId": "x", "userId": 1}, code="not_logged_in")
    assert_refused(olga, "room:mute", {"roomId": room, "userId": uid(ana), "seconds": 0},
                   code="invalid")
    settle()
    assert not ana.received("room:message:deleted") and not ana.received("room:user:kicked")


def test_a_kicked_user_is_out_of_the_room_and_told_so(connect, unique):
    olga, room, (ana, ben) = owned_room(connect, unique, "ana", "ben")
    assert olga.call("room:kick", {"roomId": room, "userId": uid(ben)})["ok"]

    kicked = ben.wait_for("room:user:kicked")
    assert kicked["roomId"] == room and kicked["userId"] == uid(ben)
    assert kicked["by"]["userId"] == uid(olga)
    assert ana.wait_for("room:user:kicked")["userId"] == uid(ben)
    assert ana.wait_for("room:user:left", lambda d: d["userId"] == uid(ben))["roomId"] == room
    assert_refused(ben, "room:message", {"roomId": room, "message": "still here?"},
                   code="not_member")
    settle()
    assert len(ben.received("room:user:kicked")) == 1  # once, though in two channels
    assert not ana.received("room:message:new", lambda d: d["message"]["content"] == "still here?")
    join(ben, room)  # a kick is not a ban


def test_a_mute_refuses_messages_until_it_ends(connect, unique):
    olga, room, (ana, ben) = owned_room(connect, unique, "ana", "ben")
    ack = olga.call("room:mute", {"roomId": room, "userId": uid(ana), "seconds": 2})
    assert ack["ok"] and ack["userId"] == uid(ana), ack
    muted = ben.wait_for("room:user:muted")
    assert muted["until"] == ack["until"] and muted["userId"] == uid(ana)
    error = assert_refused(ana, "room:message", {"roomId": room, "message": "hush"}, code="muted")
    assert 0 < error["retryAfter"] <= 2
    time.sleep(2.2)
    send(ana, room, "free again")


def test_slow_mode_refuses_a_second_message_within_the_interval(connect, unique):
    olga, room, (ana, ben) = owned_room(connect, unique, "ana", "ben")
    assert olga.call("room:slowmode", {"roomId": room, "seconds": 5}) == {
        "ok": True, "roomId": room, "seconds": 5}
    assert ana.wait_for("room:slowmode") == {"roomId": room, "seconds": 5}
    send(ana, room, "one")
    error = assert_refused(ana, "room:message", {"roomId": room, "message": "two"},
                           code="rate_limited")
    assert 0 < error["retryAfter"] <= 5
    send(ben, room, "ben has his own interval")
    send(olga, room, "the owner is exempt")
    send(olga, room, "twice")
    assert olga.call("room:slowmode", {"roomId": room, "seconds": 0})["ok"]
    send(ana, room, "off again")


def test_private_room_invitation_and_removal(connect, unique):
    olga = login(connect, unique("olga"))
    room = new_room(olga, unique, isPrivate=True)
    ana = login(connect, unique("ana"))
    assert_refused(ana, "room:join", {"roomId": room}, code="not_found")
    assert olga.call("room:invite", {"roomId": room, "userId": uid(ana)})["ok"]
    assert ana.wait_for("rooms:new", lambda d: d["id"] == room)["isPrivate"] is True
    join(ana, room)
    assert olga.call("room:member:remove", {"roomId": room, "userId": uid(ana)})["ok"]
    assert ana.wait_for("room:user:kicked")["roomId"] == room
    assert_refused(ana, "room:join", {"roomId": room}, code="not_found")


def test_rest_moderation_is_the_same_write_path(server, connect, unique):
    olga, room, (ana, ben) = owned_room(connect, unique, "ana", "ben")
    message = send(ana, room, "via rest")
    gone = api(server, "DELETE", f"/api/rooms/{room}/messages/{message['id']}", olga.token)
    assert gone.status_code == 204, gone.text
    assert ben.wait_for("room:message:deleted")["messageId"] == message["id"]

    muted = api(server, "POST", f"/api/rooms/{room}/mutes", olga.token,
                json={"userId": uid(ana), "seconds": 60})
    assert muted.status_code == 201 and muted.json()["userId"] == uid(ana), muted.text
    assert ben.wait_for("room:user:muted")["until"] == muted.json()["until"]
    slow = api(server, "PATCH", f"/api/rooms/{room}", olga.token, json={"slowModeSeconds": 10})
    assert slow.status_code == 200 and slow.json()["slowModeSeconds"] == 10, slow.text
    refused = api(server, "POST", f"/api/rooms/{room}/bans", ben.token, json={"userId": uid(ana)})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"

    record = api(server, "GET", f"/api/rooms/{room}/moderation", olga.token)
    assert record.status_code == 200, record.text
    assert [r["action"] for r in record.json()["records"]] == ["slow_mode", "mute",
                                                               "delete_message"]
    assert api(server, "GET", f"/api/rooms/{room}/moderation", ben.token).status_code == 403
    assert api(server, "GET", f"/api/rooms/{room}/moderation").status_code == 401


def test_event_moderation_in_the_live_event_protocol(server, connect, unique):
    event_id = unique("ev")
    host, ana, ben = connect(), connect(), connect()
    join_event(host, event_id, unique("host"))  # the first to join an ad-hoc event hosts it
    join_event(ana, event_id, unique("ana"))
    join_event(ben, event_id, unique("ben"))
    message, kept = say(ana, "oops"), say(ben, "fine")

    ack = host.call("deleteMessage", {"eventId": event_id, "messageId": message["id"]})
    assert ack == {"ok": True, "eventId": event_id, "messageId": message["id"]}
    assert ben.wait_for("messageDeleted")["id"] == message["id"]
    page = api(server, "GET", f"/api/events/{event_id}/messages").json()
    assert [m["id"] for m in page["messages"]] == [kept["id"]]

    assert_refused(ana, "kickUser", {"eventId": event_id, "userId": uid(ben)}, code="forbidden")
    ack = host.call("kickUser", {"eventId": event_id, "username": ana.user["username"]})
    assert ack["ok"] and ack["userId"] == uid(ana), ack
    assert ana.wait_for("userKicked")["eventId"] == event_id
    assert ben.wait_for("userLeft", lambda d: d["user"] == ana.user["username"])
    assert_refused(ana, "sendMessage", "anyone?", code="not_member")

    assert host.call("setSlowMode", {"eventId": event_id, "seconds": 5})["ok"]
    assert ben.wait_for("slowMode") == {"eventId": event_id, "seconds": 5}
    assert host.call("banUser", {"eventId": event_id, "userId": uid(ben)})["ok"]
    assert ben.wait_for("userBanned")["userId"] == uid(ben)
    error = assert_refused(ben, "joinEvent", {"eventId": event_id,
                                              "username": ben.user["username"]}, code="banned")
    assert error["message"]


def test_a_ban_outlives_a_server_restart(server, connect, unique):
    """Last in this module: it restarts the module's server."""
    olga, room, (ana, ben) = owned_room(connect, unique, "ana", "ben")
    ack = olga.call("room:ban", {"roomId": room, "userId": uid(ben), "reason": "spam"})
    assert ack == {"ok": True, "roomId": room, "userId": uid(ben), "reason": "spam"}
    banned = ben.wait_for("room:user:banned")
    assert (banned["roomId"], banned["reason"]) == (room, "spam")
    assert ana.wait_for("room:user:left", lambda d: d["userId"] == uid(ben))
    assert_refused(ben, "room:message", {"roomId": room, "message": "hello?"}, code="not_member")
    assert_refused(ben, "room:join", {"roomId": room}, code="banned")
    token = ben.token
    for client in (olga, ana, ben):
        client.close()

    server.restart()
    again = connect()
    assert again.call("user:login", {"token": token})["ok"]
    assert_refused(again, "room:join", {"roomId": room}, code="banned")
    history = api_get(server, f"/api/rooms/{room}/messages", token)
    assert history.status_code == 403 and history.json()["error"]["code"] == "banned"
