"""Unread badges of rooms not in view go up live (``sidebar:watch`` / ``room:activity``), in
Chromium with two people: one writes in a room the other is not looking at; the other's
sidebar counts it at once, and the badge clears when she reads it, on every tab."""
from __future__ import annotations

import re
import time

import pytest

from tests.browser_people import (
    create_event,
    create_room,
    new_account,
    ready_to_write,
    send,
)
from tests.browser_support import PHONE, assert_no_errors, expect

pytestmark = pytest.mark.browser


def sidebar_item(page, room_id: int):
    return page.get_by_role("navigation", name="Rooms and conversations").locator(
        f'.side-item[data-room-id="{room_id}"]')


def unread_badge(page, room_id: int):
    return sidebar_item(page, room_id).locator('.side-badge[data-kind="unread"]')


def wait_until_read(page, room) -> None:
    """Until the server has the page's read marker for the room (its id, or a test of its
    ``GET /api/unread`` entry), up to its newest message, as the signed-in browser asks: the
    page sends it a moment after it shows the room."""
    matches = room if callable(room) else (lambda r: r["roomId"] == room)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rooms = page.request.get("/api/unread").json()["rooms"]
        if any(matches(r) and r["unread"] == 0 for r in rooms):
            return
        time.sleep(0.2)
    raise AssertionError(f"room {room} was never marked read")


def test_a_message_elsewhere_badges_that_room_live_until_read(browser_context):
    ben = new_account(browser_context, "ben.live", "Ben Live")
    chess = create_room(ben, "Chess Club", category="interests")
    ana = new_account(browser_context, "ana.live", "Ana Live")
    ana.goto(f"/rooms/{chess}")  # she has been there once
    ready_to_write(ana)
    wait_until_read(ana, chess)
    ana.goto("/rooms/1")
    ready_to_write(ana)
    expect(unread_badge(ana, chess)).to_be_hidden()

    # Ben writes in the Chess Club while Ana looks at another room: her sidebar counts it.
    send(ben, "Anyone up for a game tonight?")
    expect(unread_badge(ana, chess)).to_contain_text("1")
    send(ben, "I'll bring the clock")
    expect(unread_badge(ana, chess)).to_contain_text("2")
    expect(sidebar_item(ana, chess)).to_have_class(re.compile(r"\bhas-unread\b"))
    # Her own messages elsewhere never count, nor does the room she is looking at.
    send(ana, "back in a minute")
    expect(unread_badge(ana, 1)).to_be_hidden()

    # She reads it in another tab: the badge goes on this one.
    other_tab = ana.context.new_page()
    other_tab.goto(f"/rooms/{chess}")
    ready_to_write(other_tab)
    expect(unread_badge(ana, chess)).to_be_hidden()
    other_tab.close()

    # It counts again from there, and the badge survives a reload (the server agrees).
    send(ben, "Board three is free")
    expect(unread_badge(ana, chess)).to_contain_text("1")
    ana.reload()
    ready_to_write(ana)
    expect(unread_badge(ana, chess)).to_contain_text("1")
    send(ben, "Starting at eight")
    expect(unread_badge(ana, chess)).to_contain_text("2")

    # Opening the room from the sidebar reads it: no badge there, nor on the next page.
    sidebar_item(ana, chess).get_by_role("link").click()
    ready_to_write(ana)
    expect(unread_badge(ana, chess)).to_be_hidden()
    wait_until_read(ana, chess)
    ana.goto("/rooms/1")
    ready_to_write(ana)
    expect(unread_badge(ana, chess)).to_be_hidden()
    assert_no_errors(ana.context)
    assert_no_errors(ben.context)


def test_on_a_phone_the_chats_button_shows_a_message_in_an_event_chat(browser_context):
    """At phone width the sidebar is a drawer: its "Chats" button shows that something is
    unread, here a message in the chat of an event the viewer is not watching."""
    hana = new_account(browser_context, "hana.live", "Hana Live")
    event_id = create_event(hana, "Launch Night")
    ready_to_write(hana)
    ana = new_account(browser_context, "ana.phone", "Ana Phone")
    ana.set_viewport_size(PHONE)  # signed up at desktop width; chats on her phone
    ana.goto(f"/events/{event_id}")
    ready_to_write(ana)
    wait_until_read(ana, lambda r: r["eventId"] == event_id)
    ana.goto("/rooms/1")
    ready_to_write(ana)
    dot = ana.locator("#sidebar-toggle-badge")
    expect(dot).to_be_hidden()

    send(hana, "Doors open in five minutes")
    expect(dot).to_be_visible()
    ana.get_by_role("button", name=re.compile("Chats")).click()
    item = ana.get_by_role("navigation", name="Rooms and conversations").locator(
        f'.side-item[data-event-id="{event_id}"]')
    expect(item.locator('.side-badge[data-kind="unread"]')).to_contain_text("1")
    assert_no_errors(ana.context)
