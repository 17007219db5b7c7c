"""Catching up from a cursor (issue 11, item 2): ``room:join {after}`` / ``joinEvent {after}``
send every message after that id, complete and in order, in pages."""
from __future__ import annotations

import pytest

from chatapp.actions.catch_up import CATCH_UP_PAGES, check_after
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.moderation import do_delete_message
from chatapp.actions.rooms import do_create_room, do_join_room_after
from chatapp.errors import Invalid
from tests.unit_support import bus, login  # noqa: F401


@pytest.fixture
def small_pages(app):
    app.config["HISTORY_LIMIT"] = 3  # pages of 3, so the cap is 3 * CATCH_UP_PAGES messages
    app.config["RATE_LIMITS_ENABLED"] = False


def post(actor, n: int, room: int = 1) -> list[int]:
    return [do_send_message(actor, RoomRef(room, "community"), f"m{i}")["id"] for i in range(n)]


def histories(bus) -> list[dict]:  # noqa: F811
    return [e.data for e in bus.emits if e.event == "room:history"]


def test_every_message_after_the_cursor_arrives_in_order_in_pages(bus, small_pages):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    ids = post(ana.actor, 10)
    post(ana.actor, 2, room=2)  # another room's messages never appear
    bus.clear()
    _, sent, next_after = do_join_room_after("sid-a", ana.actor, 1, ids[2])
    pages = histories(bus)
    assert [[m["id"] for m in p["messages"]] for p in pages] == [ids[3:6], ids[6:9], ids[9:]]
    assert [(p["after"], p["nextAfter"], p["continues"]) for p in pages] == [
        (ids[2], ids[5], True), (ids[5], ids[8], True), (ids[8], None, False)]
    assert [m["id"] for m in sent] == ids[3:] and next_after is None


def test_nothing_new_is_one_empty_page(bus, small_pages):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    ids = post(ana.actor, 4)
    bus.clear()
    _, sent, next_after = do_join_room_after("sid-a", ana.actor, 1, ids[-1])
    assert histories(bus) == [{"roomId": 1, "messages": [], "after": ids[-1],
                               "nextAfter": None, "continues": False}]
    assert sent == [] and next_after is None


def test_one_join_sends_at_most_the_cap_and_says_where_to_continue(bus, small_pages):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    cap = 3 * CATCH_UP_PAGES
    ids = post(ana.actor, cap + 4)
    bus.clear()
    _, sent, next_after = do_join_room_after("sid-a", ana.actor, 1, 0)
    pages = histories(bus)
    assert len(pages) == CATCH_UP_PAGES and len(sent) == cap
    assert pages[-1]["continues"] is False and pages[-1]["nextAfter"] == ids[cap - 1]
    assert next_after == ids[cap - 1]
    bus.clear()
    _, rest, next_after = do_join_room_after("sid-a", ana.actor, 1, next_after)
    assert [m["id"] for m in sent + rest] == ids and next_after is None


def test_deleted_messages_are_left_out(bus, small_pages):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    room = do_create_room("sid-a", ana.actor, {"name": "mine"})
    room_id = room.id
    ids = post(ana.actor, 3, room=room_id)
    do_delete_message(ana.actor, room, ids[1])
    bus.clear()
    _, sent, _ = do_join_room_after("sid-a", ana.actor, room_id, 0)
    assert [m["id"] for m in sent] == [ids[0], ids[2]]


@pytest.mark.parametrize("value, expected", [(None, None), (0, 0), (7, 7), ("12", 12)])
def test_the_cursor_is_a_message_id(value, expected):
    assert check_after(value) == expected


@pytest.mark.parametrize("value", [-1, True, "x", "1.5", 1.5, [1], {"id": 1}, 2**60, "1" * 40])
def test_a_bad_cursor_is_invalid(value):
    with pytest.raises(Invalid):
        check_after(value)
