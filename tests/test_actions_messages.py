"""Unit tests of sending room and private messages, and of private typing."""
from __future__ import annotations

import pytest

from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.actions.typing import do_private_typing
from chatapp.errors import Invalid, NotFound, TooLarge
from chatapp.extensions import db
from chatapp.models import Message
from tests.unit_support import (  # noqa: F401
    GUEST_NAME, NOW_Z, Emit, bus, count, fresh_scalar, login, plain, wire)

ROOM_1 = RoomRef(1, "community")


def committed_content(app, message_id: int):
    return fresh_scalar(app, "SELECT content FROM messages WHERE id = :id", id=message_id)


# --- do_send_message ---------------------------------------------------------------------

def test_room_message_is_committed_then_sent_to_the_room(bus, app):
    ana = login(bus, "sid-a", "ana", avatar="a.png")
    seen_at_emit = []
    bus.on_emit = lambda emit: seen_at_emit.append(
        committed_content(app, emit.data.get("messageId") or emit.data["message"]["id"]))

    payload = do_send_message(ana.actor, ROOM_1, "  hello there \n")

    message = {"id": 1, "sender": "ana", "userId": wire(ana), "avatar": "a.png",
               "content": "hello there", "timestamp": NOW_Z, **GUEST_NAME,
               **plain("hello there")}
    assert payload == message
    # The room hears the message; sidebars watching the room (sidebar:watch), that it moved.
    assert bus.emits == [Emit("room:message:new", {"roomId": 1, "message": message},
                              to="room:1"),
                         Emit("room:activity", {"roomId": 1, "eventId": None, "messageId": 1,
                                                "userId": wire(ana)}, to="activity:1")]
    assert seen_at_emit == ["hello there"] * 2
    row = db.session.get(Message, 1)
    assert (row.room_id, row.recipient_id, row.sender_id) == (1, None, 1)


def test_each_message_gets_its_own_id_and_event(bus):
    ana = login(bus, "sid-a", "ana")
    ids = [do_send_message(ana.actor, RoomRef(room, "community"), "hi")["id"]
           for room in (1, 2, 1)]
    assert ids == [1, 2, 3]
    assert [(e.event, e.to, e.data["message"]["id"]) for e in bus.emits
            if e.event == "room:message:new"] == [
        ("room:message:new", "room:1", 1),
        ("room:message:new", "room:2", 2),
        ("room:message:new", "room:1", 3),
    ]
    assert [(e.to, e.data["messageId"]) for e in bus.emits if e.event == "room:activity"] == [
        ("activity:1", 1), ("activity:2", 2), ("activity:1", 3)]


def test_message_of_exactly_the_maximum_length_is_accepted(bus, app):
    ana = login(bus, "sid-a", "ana")
    text = "x" * app.config["MAX_MESSAGE_LENGTH"]
    assert do_send_message(ana.actor, ROOM_1, text)["content"] == text
    assert bus.events() == ["room:message:new", "room:activity"]


@pytest.mark.parametrize("text, error", [
    ("x" * 4001, TooLarge),
    ("", Invalid),
    ("   \n ", Invalid),
    (None, Invalid),
    (42, Invalid),
    ({"text": "hi"}, Invalid),
])
def test_bad_room_message_stores_and_sends_nothing(bus, text, error):
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(error):
        do_send_message(ana.actor, ROOM_1, text)
    assert bus.emits == [] and count(Message) == 0


def test_too_large_names_the_field_and_the_limit(bus):
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(TooLarge) as caught:
        do_send_message(ana.actor, ROOM_1, "x" * 4001)
    assert caught.value.to_dict() == {
        "code": "too_large", "message": "message is longer than 4000 characters",
        "fields": {"message": "at most 4000 characters"}}


# --- do_send_private_message -------------------------------------------------------------

def test_private_message_goes_to_every_tab_of_both_users(bus, app):
    ana = login(bus, "sid-a", "ana", avatar="a.png")
    ben = login(bus, "sid-b", "ben")
    seen_at_emit = []
    bus.on_emit = lambda emit: seen_at_emit.append(committed_content(app, emit.data["id"]))

    sent = do_send_private_message(ana.actor, ben.actor.user_id, " psst ")

    assert sent == {"id": 1, "to": wire(ben), "content": "psst", "timestamp": NOW_Z,
                    "html": "<p>psst</p>"}
    assert bus.emits == [
        Emit("message:private", {"id": 1, "from": wire(ana), "to": wire(ben), "sender": "ana",
                                 "avatar": "a.png", "content": "psst", "timestamp": NOW_Z,
                                 **GUEST_NAME, **plain("psst")},
             to="user:2"),
        Emit("message:private:sent", sent, to="user:1"),
    ]
    assert seen_at_emit == ["psst", "psst"]
    row = db.session.get(Message, 1)
    assert (row.room_id, row.recipient_id, row.sender_id) == (None, 2, 1)


def test_private_message_to_an_offline_user_is_stored_and_sent_to_their_channel(bus):
    from chatapp.actions.presence import do_remove_socket

    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-b", "ben")
    do_remove_socket("sid-b")
    bus.clear()

    do_send_private_message(ana.actor, 2, "later")
    assert [(e.event, e.to) for e in bus.emits] == [("message:private", "user:2"),
                                                    ("message:private:sent", "user:1")]
    assert count(Message) == 1


def test_private_message_to_an_unknown_user_is_refused(bus):
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(NotFound) as caught:
        do_send_private_message(ana.actor, 99, "anyone?")
    assert caught.value.message == "user 99 does not exist"
    assert bus.emits == [] and count(Message) == 0


@pytest.mark.parametrize("text, error", [("x" * 4001, TooLarge), ("", Invalid), (None, Invalid)])
def test_bad_private_message_is_refused(bus, text, error):
    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-b", "ben")
    with pytest.raises(error):
        do_send_private_message(ana.actor, 2, text)
    assert bus.emits == [] and count(Message) == 0


# --- do_private_typing -------------------------------------------------------------------

@pytest.mark.parametrize("is_typing", [True, False])
def test_private_typing_goes_to_every_tab_of_the_recipient(bus, is_typing):
    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-b", "ben")
    do_private_typing(ana.actor, 2, is_typing)
    assert bus.emits == [Emit("user:typing:private", {"from": wire(ana), "isTyping": is_typing},
                              to="user:2")]


def test_private_typing_to_an_unknown_user_is_refused(bus):
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(NotFound):
        do_private_typing(ana.actor, 99, True)
    assert bus.emits == []
