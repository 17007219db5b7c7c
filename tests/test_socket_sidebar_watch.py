"""Live unread badges for rooms a page has not joined (docs/protocol.md, "Live badges for
rooms not joined"): ``sidebar:watch`` and ``room:activity``, against a real server with real
clients, refusals included."""
from __future__ import annotations

from tests.e2e_support import assert_refused, join, login, new_room, send, uid
from tests.event_support import join_event, say
from tests.helpers import settle


def activity(client, room_id: int) -> list[dict]:
    return client.received("room:activity", lambda d: d["roomId"] == room_id)


def test_a_watching_sidebar_hears_each_new_message_of_a_room_it_has_not_joined(connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    room = new_room(ana, unique)
    assert ben.call("room:read", {"roomId": room})["ok"]  # ben opened it once, then left
    first = send(ana, room, "before ben watches")

    ack = ben.call("sidebar:watch", {"roomIds": [room]})
    assert ack == {"ok": True, "rooms": [{"roomId": room, "eventId": None, "lastReadId": 0,
                                          "unread": 1, "mentions": 0, "latestId": first["id"]}]}
    message = send(ana, room, f"hello @{ben.user['username']}")
    assert ben.wait_for("room:activity") == {"roomId": room, "eventId": None,
                                             "messageId": message["id"], "userId": uid(ana)}
    assert ben.wait_for("mention")["message"]["id"] == message["id"]
    assert not ben.received("room:message:new")  # the message itself stays in the room
    assert first["id"] < message["id"]

    # Reconnected pages watch again: the acknowledgement carries the badges as they are now.
    again = ben.call("sidebar:watch", {"roomIds": [room]})["rooms"]
    assert again == [{"roomId": room, "eventId": None, "lastReadId": 0, "unread": 2,
                      "mentions": 1, "latestId": message["id"]}]
    last = send(ana, room, "one more")
    ben.wait_for("room:activity", lambda d: d["messageId"] == last["id"])
    settle()
    # Watching twice is watching once: one room:activity per message.
    assert [a["messageId"] for a in activity(ben, room)] == [message["id"], last["id"]]


def test_a_room_never_opened_is_watched_with_no_read_marker(connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    room = new_room(ana, unique)
    send(ana, room, "nobody has read this")
    ack = ben.call("sidebar:watch", {"roomIds": [room]})
    assert ack["rooms"] == [{"roomId": room, "eventId": None, "lastReadId": None, "unread": 0,
                             "mentions": 0, "latestId": ack["rooms"][0]["latestId"]}]
    assert ack["rooms"][0]["latestId"] > 0


def test_clients_that_do_not_opt_in_never_hear_room_activity(connect, unique):
    ana, ben, old = (login(connect, unique(n)) for n in ("ana", "ben", "old"))
    room = new_room(ana, unique)
    join(old, room)  # an old client in the room: the message, never the new event
    assert ben.call("sidebar:watch", {"roomIds": [room]})["ok"]
    send(ana, room, "hi")
    ben.wait_for("room:activity")
    old.wait_for("room:message:new")
    settle()
    assert not old.received("room:activity") and not ana.received("room:activity")


def test_an_event_chat_is_watched_by_its_event_id(connect, unique):
    host, ben = login(connect, unique("hana")), login(connect, unique("ben"))
    event_id = unique("launch")
    join_event(host, event_id)
    ack = ben.call("sidebar:watch", {"eventIds": [event_id]})
    assert ack["ok"] and ack["rooms"][0]["eventId"] == event_id
    message = say(host, "we are live")
    got = ben.wait_for("room:activity")
    assert got["eventId"] == event_id and str(got["messageId"]) == message["id"]
    assert got["roomId"] == ack["rooms"][0]["roomId"] and got["userId"] == uid(host)


def test_a_private_room_of_others_is_refused_and_nothing_is_watched(connect, unique):
    ana, eve = login(connect, unique("ana")), login(connect, unique("eve"))
    secret = new_room(ana, unique, isPrivate=True)
    public = new_room(ana, unique)
    error = assert_refused(eve, "sidebar:watch", {"roomIds": [public, secret]}, code="not_found")
    assert str(secret) in error["message"]
    assert_refused(eve, "sidebar:watch", {"roomIds": [10**9]}, code="not_found")
    assert_refused(eve, "sidebar:watch", {"eventIds": ["no-such-event"]}, code="not_found")
    send(ana, secret, "between us")
    send(ana, public, "for all")  # refused as a whole: not watched either
    ana.wait_for("room:message:new", count=2)
    settle()
    assert not eve.received("room:activity")


def test_bad_requests_are_refused_with_a_clear_error(connect, unique):
    ben = login(connect, unique("ben"))
    for payload in (None, [], {}, {"roomIds": []}, {"roomIds": "1"}, {"roomIds": [True]},
                    {"roomIds": [1.5]}, {"roomIds": [-1]}, {"eventIds": [7]},
                    {"eventIds": [""]}):
        assert_refused(ben, "sidebar:watch", payload, code="invalid")
    assert_refused(ben, "sidebar:watch", {"roomIds": list(range(1, 202))}, code="too_large")
    anonymous = connect()
    assert_refused(anonymous, "sidebar:watch", {"roomIds": [1]}, code="not_logged_in")


def test_a_ban_or_the_end_of_a_membership_stops_the_watching(connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    public = new_room(ana, unique)
    secret = new_room(ana, unique, isPrivate=True)
    assert ana.call("room:invite", {"roomId": secret, "userId": uid(ben)})["ok"]
    assert ben.call("sidebar:watch", {"roomIds": [public, secret]})["ok"]
    send(ana, public, "one")
    send(ana, secret, "two")
    ben.wait_for("room:activity", count=2)

    assert ana.call("room:ban", {"roomId": public, "userId": uid(ben)})["ok"]
    assert ana.call("room:member:remove", {"roomId": secret, "userId": uid(ben)})["ok"]
    send(ana, public, "after the ban")
    send(ana, secret, "after the removal")
    ana.wait_for("room:message:new", count=4)
    settle()
    assert len(ben.received("room:activity")) == 2
    assert_refused(ben, "sidebar:watch", {"roomIds": [public]}, code="banned")
    assert_refused(ben, "sidebar:watch", {"roomIds": [secret]}, code="not_found")


def test_logging_in_as_someone_else_drops_what_the_socket_watched(connect, unique):
    ana, eve = login(connect, unique("ana")), login(connect, unique("eve"))
    secret = new_room(ana, unique, isPrivate=True)
    tab = connect()
    assert tab.call("user:login", {"token": ana.token})["ok"]
    assert tab.call("sidebar:watch", {"roomIds": [secret]})["ok"]
    # The same socket, now eve, who may not read the room.
    assert tab.call("user:login", {"token": eve.token})["user"]["userId"] == uid(eve)
    send(ana, secret, "private")
    ana.wait_for("room:message:new")
    settle()
    assert not tab.received("room:activity")
