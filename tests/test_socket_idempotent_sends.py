"""Idempotent sends over a real server: a client that lost its acknowledgement resends with the
same ``clientMessageId`` and gets the first ack; everyone hears the message exactly once."""
from __future__ import annotations

from tests.e2e_support import assert_refused, join, login, new_room, room_page, uid
from tests.event_support import join_event
from tests.helpers import settle


def test_room_message_retry(server, connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    room = new_room(ana, unique)
    join(ben, room)
    payload = {"roomId": room, "message": "hello", "clientMessageId": "9f1c-1"}
    first = ana.call("room:message", payload)
    again = ana.call("room:message", payload)
    assert first["ok"] and again == first
    settle()
    assert len(ben.received("room:message:new", lambda d: d["roomId"] == room)) == 1
    assert [m["content"] for m in room_page(server, room)["messages"]] == ["hello"]


def test_send_message_object_form_retry_and_the_bare_string_still_works(connect, unique):
    event_id = unique("ev")
    host, guest = connect(), connect()
    join_event(host, event_id, unique("host"))
    join_event(guest, event_id, unique("guest"))
    payload = {"text": "hi all", "clientMessageId": "m-1"}
    first, again = host.call("sendMessage", payload), host.call("sendMessage", payload)
    assert first["ok"] and again == first and first["message"]["text"] == "hi all"
    assert host.call("sendMessage", "plain text")["ok"]  # the old clients' form
    settle()
    texts = [m["text"] for m in guest.received("newMessage")]
    assert texts == ["hi all", "plain text"]


def test_private_message_retry(connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    payload = {"to": uid(ben), "message": "psst", "clientMessageId": "p-1"}
    first, again = ana.call("message:private", payload), ana.call("message:private", payload)
    assert first["ok"] and again == first
    settle()
    assert len(ben.received("message:private")) == 1
    assert len(ana.received("message:private:sent")) == 1


def test_reusing_an_id_for_another_room_is_a_conflict(connect, unique):
    ana = login(connect, unique("ana"))
    one, two = new_room(ana, unique), new_room(ana, unique)
    assert ana.call("room:message", {"roomId": one, "message": "a", "clientMessageId": "x"})["ok"]
    assert_refused(ana, "room:message", {"roomId": two, "message": "a", "clientMessageId": "x"},
                   code="conflict")
    assert_refused(ana, "room:message", {"roomId": two, "message": "a",
                                         "clientMessageId": "bad id"}, code="invalid")
