"""Unit tests of joining, leaving and creating community rooms, and of room typing."""
from __future__ import annotations

import pytest

from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.rooms import do_create_room, do_join_room, do_leave_room
from chatapp.actions.typing import do_room_typing
from chatapp.errors import Invalid, NotFound, NotMember, TooLarge
from chatapp.extensions import db
from chatapp.models import Room, RoomPresence
from chatapp.models.room import ROOM_KIND_EVENT
from tests.unit_support import (  # noqa: F401
    GUEST_NAME,
    NOW_Z,
    Emit,
    bus,
    count,
    login,
    plain,
    user,
    wire,
)


def presence() -> set[tuple[str, int]]:
    return {(p.sid, p.room_id) for p in db.session.scalars(db.select(RoomPresence))}


# --- do_join_room ------------------------------------------------------------------------

def test_join_sends_history_announces_and_updates_count(bus):
    ana = login(bus, "sid-a", "ana", avatar="a.png")
    room, history = do_join_room("sid-a", ana.actor, 1)

    assert (room.id, history) == (1, [])
    assert bus.emits == [
        Emit("room:history", {"roomId": 1, "messages": []}, to="sid-a"),
        Emit("room:user:joined", {"roomId": 1, "user": user(ana), "timestamp": NOW_Z},
             to="room:1"),
        Emit("rooms:update", {"id": 1, "usersCount": 1}),
    ]
    assert bus.subscribed == [("sid-a", "room:1")]
    assert presence() == {("sid-a", 1)}


def test_join_counts_distinct_users(bus):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    do_join_room("sid-a", ana.actor, 3)
    bus.clear()

    do_join_room("sid-b", ben.actor, 3)
    assert bus.emits[1:] == [
        Emit("room:user:joined", {"roomId": 3, "user": user(ben), "timestamp": NOW_Z},
             to="room:3"),
        Emit("rooms:update", {"id": 3, "usersCount": 2}),
    ]


def test_second_tab_of_a_user_is_announced_only_to_itself(bus):
    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-a2", token=ana.token)
    do_join_room("sid-a", ana.actor, 1)
    bus.clear()

    do_join_room("sid-a2", ana.actor, 1)
    assert bus.emits == [
        Emit("room:history", {"roomId": 1, "messages": []}, to="sid-a2"),
        Emit("room:user:joined", {"roomId": 1, "user": user(ana), "timestamp": NOW_Z},
             to="sid-a2"),
        Emit("rooms:update", {"id": 1, "usersCount": 1}),
    ]
    assert bus.subscribed == [("sid-a2", "room:1")]


def test_joining_twice_only_sends_the_history_again(bus):
    ana = login(bus, "sid-a", "ana")
    do_join_room("sid-a", ana.actor, 1)
    bus.clear()

    do_join_room("sid-a", ana.actor, 1)
    assert bus.emits == [Emit("room:history", {"roomId": 1, "messages": []}, to="sid-a")]
    assert presence() == {("sid-a", 1)}


def test_history_holds_the_stored_messages_oldest_first(bus):
    ana = login(bus, "sid-a", "ana")
    first = do_send_message(ana.actor, RoomRef(2, "community"), "one")
    second = do_send_message(ana.actor, RoomRef(2, "community"), "two")
    do_send_message(ana.actor, RoomRef(1, "community"), "elsewhere")
    bus.clear()

    _, history = do_join_room("sid-a", ana.actor, 2)
    assert history == [first, second]
    assert bus.emits[0] == Emit("room:history", {"roomId": 2, "messages": [first, second]},
                                to="sid-a")
    assert first == {"id": 1, "sender": "ana", "userId": wire(ana), "avatar": None, "content": "one",
                     "timestamp": NOW_Z, **GUEST_NAME, **plain("one")}


def test_history_is_capped_at_the_history_limit(bus, app):
    app.config["HISTORY_LIMIT"] = 3
    ana = login(bus, "sid-a", "ana")
    ids = [do_send_message(ana.actor, RoomRef(1, "community"), str(i))["id"] for i in range(5)]

    _, history = do_join_room("sid-a", ana.actor, 1)
    assert [m["id"] for m in history] == ids[-3:]


@pytest.mark.parametrize("room_id", [99, 0, -1])
def test_joining_an_unknown_room_is_refused(bus, room_id):
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(NotFound):
        do_join_room("sid-a", ana.actor, room_id)
    assert bus.emits == [] and bus.subscribed == [] and presence() == set()


def test_an_event_chat_is_not_a_community_room(bus):
    ana = login(bus, "sid-a", "ana")
    event = Room(kind=ROOM_KIND_EVENT, name="keynote")
    db.session.add(event)
    db.session.commit()
    with pytest.raises(NotFound):
        do_join_room("sid-a", ana.actor, event.id)
    assert bus.emits == [] and presence() == set()


# --- do_leave_room -----------------------------------------------------------------------

def test_leave_announces_to_the_room_and_updates_count(bus):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    do_join_room("sid-a", ana.actor, 1)
    do_join_room("sid-b", ben.actor, 1)
    bus.clear()

    assert do_leave_room("sid-a", ana.actor, 1).id == 1
    assert bus.emits == [
        Emit("room:user:left", {"roomId": 1, "userId": wire(ana), "timestamp": NOW_Z},
             to="room:1"),
        Emit("rooms:update", {"id": 1, "usersCount": 1}),
    ]
    assert bus.unsubscribed == [("sid-a", "room:1")]
    assert presence() == {("sid-b", 1)}


def test_leaving_from_one_tab_keeps_the_user_in_the_room(bus):
    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-a2", token=ana.token)
    do_join_room("sid-a", ana.actor, 1)
    do_join_room("sid-a2", ana.actor, 1)
    bus.clear()

    do_leave_room("sid-a", ana.actor, 1)
    assert bus.emits == [Emit("rooms:update", {"id": 1, "usersCount": 1})]
    assert bus.unsubscribed == [("sid-a", "room:1")]


def test_leaving_a_room_not_joined_is_refused(bus):
    ana = login(bus, "sid-a", "ana")
    do_join_room("sid-a", ana.actor, 2)
    bus.clear()
    with pytest.raises(NotMember):
        do_leave_room("sid-a", ana.actor, 1)
    with pytest.raises(NotFound):
        do_leave_room("sid-a", ana.actor, 99)
    assert bus.emits == [] and bus.unsubscribed == [] and presence() == {("sid-a", 2)}


# --- do_create_room ----------------------------------------------------------------------

def test_create_room_announces_it_and_puts_the_creator_in(bus):
    ana = login(bus, "sid-a", "ana")
    room = do_create_room("sid-a", ana.actor, {"name": " Chess ", "description": "Play",
                                               "category": "games"})

    assert room.id == 6
    assert bus.emits == [
        Emit("rooms:new", {"id": 6, "name": "Chess", "description": "Play", "category": "games",
                           "usersCount": 1, "isPrivate": False}),
        Emit("room:joined", {"roomId": 6}, to="sid-a"),
    ]
    assert bus.subscribed == [("sid-a", "room:6")]
    assert presence() == {("sid-a", 6)}
    stored = db.session.get(Room, 6)
    assert (stored.kind, stored.created_by_id, stored.is_private) == ("community", 1, False)


def test_create_room_defaults(bus):
    ana = login(bus, "sid-a", "ana")
    do_create_room("sid-a", ana.actor, {"name": "Chess"})
    assert bus.emits[0] == Emit("rooms:new", {"id": 6, "name": "Chess", "description": "",
                                              "category": "general", "usersCount": 1,
                                              "isPrivate": False})


def test_create_private_room_is_announced_to_its_creator_only(bus):
    ana = login(bus, "sid-a", "ana")
    room = do_create_room("sid-a", ana.actor, {"name": "Secret", "isPrivate": True})

    assert room.id == 6 and db.session.get(Room, 6).is_private
    assert bus.emits == [
        Emit("rooms:new", {"id": 6, "name": "Secret", "description": "", "category": "general",
                           "usersCount": 1, "isPrivate": True}, to="user:1"),
        Emit("room:joined", {"roomId": 6}, to="sid-a"),
    ]
    assert bus.subscribed == [("sid-a", "room:6")]
    assert presence() == {("sid-a", 6)}


def test_a_name_in_use_makes_another_room(bus):
    """As with the old server: ids tell rooms apart, names need not be unique."""
    ana = login(bus, "sid-a", "ana")
    first = do_create_room("sid-a", ana.actor, {"name": "Photography"})
    second = do_create_room("sid-a", ana.actor, {"name": "photography"})
    assert len({5, first.id, second.id}) == 3
    news = [e.data for e in bus.emits if e.event == "rooms:new"]
    assert [(n["id"], n["name"]) for n in news] == [(first.id, "Photography"),
                                                     (second.id, "photography")]


@pytest.mark.parametrize("data, error", [
    ({"name": ""}, Invalid),
    ({}, Invalid),
    ({"name": "a\tb"}, Invalid),
    ({"name": "x" * 81}, TooLarge),
    ({"name": "ok", "description": "d" * 501}, TooLarge),
    ({"name": "ok", "category": 7}, Invalid),
    ({"name": "ok", "isPrivate": "yes"}, Invalid),
    ({"name": "ok", "isPrivate": 1}, Invalid),
    ({"name": "ok", "isPrivate": None}, Invalid),
])
def test_bad_room_is_refused(bus, data, error):
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(error):
        do_create_room("sid-a", ana.actor, data)
    assert bus.emits == [] and bus.subscribed == []
    assert count(Room) == 5 and presence() == set()


# --- do_room_typing ----------------------------------------------------------------------

@pytest.mark.parametrize("is_typing", [True, False])
def test_room_typing_goes_to_the_others_in_the_room(bus, is_typing):
    ana = login(bus, "sid-a", "ana")
    do_room_typing("sid-a", ana.actor, 4, is_typing)
    assert bus.emits == [Emit("user:typing", {"roomId": 4, "userId": wire(ana), "username": "ana",
                                              "isTyping": is_typing},
                              to="room:4", skip_sid="sid-a")]
