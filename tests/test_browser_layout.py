"""The chat layout in Chromium: the sidebar on every chat page (rooms by category, private
conversations with live unread badges, events, the current one marked), people on the right,
and on a phone one pane with a drawer and a one-line header; day separators, runs of one
author, initials for people without a picture, message actions that show on hover or a long
press, empty states, and all of it readable without JavaScript."""
from __future__ import annotations

import re

import pytest

from tests.browser_people import (
    create_room,
    fill_sign_in,
    messages_saying,
    new_account,
    no_horizontal_scroll,
    page_data,
    ready_to_write,
    register,
    send,
)
from tests.browser_support import DESKTOP, assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


def sidebar(page):
    return page.get_by_role("navigation", name="Rooms and conversations")


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not shown"
    return found


def test_sidebar_people_and_live_unread_badges_on_a_desktop(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    # The create-room form waits behind its button.
    ana.goto("/")
    expect(ana.locator("#room-form")).to_be_hidden()
    book_club = create_room(ana, "Book Club", "This month: The Dispossessed", "interests")
    # A room nobody wrote in yet says so, and how to begin.
    expect(ana.locator("#messages-empty")).to_be_visible()
    expect(ana.locator("#messages-empty")).to_contain_text("No messages yet")

    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    ben.goto("/rooms/1")
    ready_to_write(ben)
    nav = sidebar(ben)
    # Rooms by category, Ana's new one among them; the room on screen is marked.
    expect(nav.locator("h3.side-category")).to_have_text(["academic", "campus", "interests"])
    expect(nav.locator('[aria-current="page"]')).to_have_text(re.compile("CS Study Group"))
    expect(nav.get_by_role("link", name=re.compile("Book Club"))).to_have_count(1)
    # Three panes side by side: sidebar, the conversation, people.
    left, middle, right = box(nav), box(ben.locator(".chat-pane")), box(ben.locator("#side-pane"))
    assert left["x"] + left["width"] <= middle["x"] < middle["x"] + middle["width"] <= right["x"], \
        (left, middle, right)

    # Ben's run of messages: his initials once, the second message joined to the first,
    # under a "Today" separator.
    send(ben, "Morning all! Anyone doing the graph problems? 🎉")
    send(ben, "I am stuck on question 2.")
    first, second = (messages_saying(ben, "Morning all! Anyone doing the graph problems? 🎉"),
                     messages_saying(ben, "I am stuck on question 2."))
    expect(first.locator(".avatar-initials")).to_have_text("BO")
    expect(second).to_have_class(re.compile(r"\bcontinued\b"))
    expect(ben.locator("#messages li.day-separator").last).to_have_text("Today")
    # His own message's actions show on hover only: no button on every message.
    toolbar = first.get_by_role("toolbar", name="Message actions")
    ben.mouse.move(0, 0)
    expect(toolbar).to_have_css("opacity", "0")
    first.hover()
    expect(toolbar).to_have_css("opacity", "1")
    expect(toolbar.get_by_role("button", name=re.compile("^Delete message"))).to_be_visible()

    # Ana writes to Ben privately: his sidebar lists her at once with one unread message.
    ben_id = page_data(ben)["me"]["userId"]
    ana.goto(f"/conversations/{ben_id}")
    send(ana, "Are you coming to the book club tonight?")
    conversation = nav.locator("#side-conversations .side-item").filter(has_text="Ana Lima")
    expect(conversation.locator('.side-badge[data-kind="unread"]')).to_contain_text("1")
    screenshot(ben, "layout", tmp_path)
    # Reading it in another tab clears the badge on this one, live.
    reading = ben.context.new_page()
    reading.goto(f"/conversations/{page_data(ana)['me']['userId']}")
    expect(messages_saying(reading, "Are you coming to the book club tonight?")).to_have_count(1)
    expect(sidebar(reading).locator('[aria-current="page"]')).to_have_text(re.compile("Ana Lima"))
    expect(conversation.locator('.side-badge[data-kind="unread"]')).to_be_hidden()
    # And the next page Ben opens shows it read.
    ben.goto(f"/rooms/{book_club}")
    ready_to_write(ben)
    again = sidebar(ben).locator("#side-conversations .side-item").filter(has_text="Ana Lima")
    expect(again.locator('.side-badge[data-kind="unread"]')).to_be_hidden()
    for page in (ana, ben):
        assert_no_errors(page.context)


def test_a_phone_shows_one_pane_with_a_drawer_and_a_short_header(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.costa", "Ana Costa")
    ana.goto("/rooms/2")
    send(ana, "Does anyone have the notes from Tuesday?")
    ben = browser_context(viewport=PHONE_390, is_mobile=True).new_page()
    ben.set_viewport_size(DESKTOP)  # the sign-up helper reads the wide header
    register(ben, "ben.adams", display_name="Ben Adams")
    ben.set_viewport_size(PHONE_390)
    ben.goto("/rooms/2")
    ready_to_write(ben)
    message = messages_saying(ben, "Does anyone have the notes from Tuesday?")
    expect(message).to_be_visible()
    # The header (site bar and the room's line) leaves the screen to the chat.
    assert box(ben.locator("#scroller"))["y"] <= 110, box(ben.locator("#scroller"))
    nav = sidebar(ben)
    expect(nav).to_be_hidden()
    screenshot(ben, "phone-room", tmp_path)
    chats = ben.get_by_role("button", name="Chats")
    expect(chats).to_have_attribute("aria-expanded", "false")
    chats.click()
    expect(nav).to_be_visible()
    expect(chats).to_have_attribute("aria-expanded", "true")
    expect(nav.locator('[aria-current="page"]')).to_be_focused()
    ben.wait_for_timeout(300)  # the drawer's slide
    screenshot(ben, "phone-drawer", tmp_path)
    ben.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(chats).to_be_focused()
    scroll_width, client_width = no_horizontal_scroll(ben)
    assert scroll_width <= client_width == PHONE_390["width"], (scroll_width, client_width)

    # A message's actions stay out of sight until a long press.
    send(ben, "I do, sending them now.")
    own = messages_saying(ben, "I do, sending them now.")
    delete = own.get_by_role("button", name=re.compile("^Delete message"))
    expect(delete).to_be_hidden()
    spot = box(own.locator(".text"))
    touch = ben.context.new_cdp_session(ben)
    point = [{"x": spot["x"] + 10, "y": spot["y"] + spot["height"] / 2}]
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point})
    ben.wait_for_timeout(700)
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(delete).to_be_visible()
    expect(own.get_by_role("button", name=re.compile("^React to"))).to_be_visible()
    expect(own.get_by_role("button", name=re.compile("^Reply to"))).to_be_visible()
    delete.click()
    expect(own).to_have_count(0)

    # The drawer is the way to another room.
    chats.click()
    nav.get_by_role("link", name=re.compile("Gaming Club")).click()
    expect(ben).to_have_url(re.compile(r"/rooms/4$"))
    expect(ben.get_by_role("heading", level=1)).to_have_text("Gaming Club")
    for page in (ana, ben):
        assert_no_errors(page.context)


def test_without_javascript_the_sidebar_and_the_day_read_as_a_page(browser_context):
    writer = new_account(browser_context, "chloe.martin", "Chloe Martin")
    writer.goto("/rooms/3")
    send(writer, "Film night moved to Friday.")
    reader = browser_context(java_script_enabled=False).new_page()
    reader.goto("/rooms/3")
    nav = sidebar(reader)
    expect(nav).to_be_visible()
    expect(nav.locator('[aria-current="page"]')).to_have_text(re.compile("Campus Events"))
    math_help = nav.get_by_role("link", name=re.compile("Math Help"))
    expect(math_help).to_have_attribute("href", "/rooms/2")
    expect(reader.locator("#messages li.day-separator")).to_have_count(1)
    expect(messages_saying(reader, "Film night moved to Friday.")
           .locator(".avatar-initials")).to_have_text("CM")
    # The lobby's create-room form opens from its button without any script.
    lobby = browser_context(java_script_enabled=False).new_page()
    lobby.goto("/login")
    fill_sign_in(lobby, "chloe.martin")
    lobby.goto("/")
    expect(lobby.locator("#room-form")).to_be_hidden()
    lobby.locator("#new-room > summary").click()
    expect(lobby.get_by_label("Room name", exact=True)).to_be_visible()
