"""A private conversation between two signed-in browsers: messages both ways, once, and the
typing line while the other one writes."""
from __future__ import annotations

import re

import pytest

from tests.browser_people import (
    messages_saying,
    new_account,
    ready_to_write,
    send,
    shown_in_order,
    sign_in,
)
from tests.browser_support import assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser


def in_the_lobby(page) -> None:
    """Open the lobby and wait until its socket is connected (the user is then online)."""
    page.goto("/")
    expect(page.locator("#online")).to_contain_text("(you)")


def open_conversation_from_lobby(page, peer_name: str) -> None:
    """In the lobby's "Online now" list, click the peer: their conversation opens."""
    page.goto("/")
    page.locator("#online").get_by_role("link", name=re.compile(peer_name)).click()
    expect(page).to_have_url(re.compile(r"/conversations/\d+$"))
    expect(page.locator(".peer-name")).to_have_text(peer_name)
    ready_to_write(page)


def test_two_people_write_privately_and_see_each_other_type(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    in_the_lobby(ben)  # Ben is online when Ana looks for him
    open_conversation_from_lobby(ana, "Ben Okafor")
    open_conversation_from_lobby(ben, "Ana Lima")
    expect(ana.locator("#peer-presence")).to_contain_text("Online")

    said = []
    for page, other, text in [
        (ana, ben, "Hi Ben! Are you coming to the study session tomorrow?"),
        (ben, ana, "Hi Ana, yes. 10 am in room B204, right?"),
        (ana, ben, "Right. I'll bring the practice exams."),
        (ben, ana, "Great, I'll bring coffee."),
        (ana, ben, "Perfect. Did you finish the reading for chapter 5?"),
        (ben, ana, "Halfway. The part on hash tables is long!"),
    ]:
        box = page.locator("#composer")
        box.press_sequentially(text[:12])
        writer = page.locator(".me-name").inner_text()
        expect(other.locator("#typing")).to_have_text(f"{writer} is typing…")
        box.press_sequentially(text[12:])
        box.press("Enter")
        said.append(text)
        expect(messages_saying(other, text)).to_have_count(1)
        expect(other.locator("#typing")).to_have_text("")  # gone once the message is sent
        expect(messages_saying(page, text)).to_have_count(1)

    for page in (ana, ben):
        shown_in_order(page, said)
    # Who wrote what: one's own messages are marked as such.
    expect(messages_saying(ana, said[0])).to_have_class(re.compile(r"\bmine\b"))
    expect(messages_saying(ben, said[0])).not_to_have_class(re.compile(r"\bmine\b"))

    ana.locator("#composer").press_sequentially("See you")  # for the picture: Ana is typing
    expect(ben.locator("#typing")).to_have_text("Ana Lima is typing…")
    screenshot(ben, "conversation", tmp_path)
    for page in (ana, ben):
        assert_no_errors(page.context)


def test_a_message_to_someone_offline_waits_for_them(browser_context):
    ana = new_account(browser_context, "ana.costa", "Ana Costa")
    ben = new_account(browser_context, "ben.adams", "Ben Adams")
    in_the_lobby(ben)
    open_conversation_from_lobby(ana, "Ben Adams")
    ben.context.close()  # Ben goes away
    expect(ana.locator("#peer-presence")).to_contain_text("Offline")
    send(ana, "Call me when you are back")

    ben = browser_context().new_page()
    sign_in(ben, "ben.adams", shown_name="Ben Adams")
    unread = ben.locator("#conversations .conversation-item").filter(has_text="Ana Costa")
    expect(unread.locator(".unread")).to_contain_text("1")
    expect(unread.locator(".preview")).to_have_text("Call me when you are back")
    unread.get_by_role("link").click()
    expect(messages_saying(ben, "Call me when you are back")).to_have_count(1)
