"""The lobby in Chromium, live: who comes online, a new private message, an event going live
and its head count, all without a reload."""
from __future__ import annotations

import re

import pytest

from tests.browser_people import (
    create_event,
    create_room,
    new_account,
    page_data,
    ready_to_write,
    send,
)
from tests.browser_support import assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser


def in_the_lobby(page) -> None:
    page.goto("/")
    expect(page.locator("#online")).to_contain_text("(you)")  # its socket is connected


def test_the_lobby_follows_people_messages_and_events_live(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    create_room(ana, "Book Club", "This month: The Left Hand of Darkness", "interests")
    in_the_lobby(ana)

    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    in_the_lobby(ben)
    ben_id = page_data(ben)["me"]["userId"]
    expect(ana.locator(f'#online li[data-user-id="{ben_id}"] a')).to_have_count(1)
    expect(ana.locator("#online-count")).to_have_text("2")

    # Ben writes to Ana: her lobby lists the conversation with one unread message.
    ben.locator("#online").get_by_role("link", name=re.compile("Ana Lima")).click()
    send(ben, "Are you joining the demo night later?")
    conversation = ana.locator(f'#conversations li[data-user-id="{ben_id}"]')
    expect(conversation.locator(".unread")).to_contain_text("1")
    expect(conversation.locator(".preview")).to_have_text("Are you joining the demo night later?")

    # Ben starts an event and opens it: Ana sees it live, with its head count.
    chloe = new_account(browser_context, "chloe.martin", "Chloe Martin")
    event_id = create_event(chloe, "Friday Demo Night", "Five-minute demos, bring a laptop")
    ready_to_write(chloe)
    card = ana.locator(f'#live-events li[data-event-id="{event_id}"]')
    expect(card).to_contain_text("Friday Demo Night")
    expect(card.locator(".participant-count")).to_have_text("1")
    ben.goto(f"/events/{event_id}")
    ready_to_write(ben)
    expect(card.locator(".participant-count")).to_have_text("2")

    # Someone in a room shows in its count.
    chloe.goto("/rooms/1")
    ready_to_write(chloe)
    expect(ana.locator('.count[data-room-id="1"]')).to_have_text("1 online")

    assert_no_errors(ana.context)

    # Everything Ana saw arrive is named as a reload names it.
    def names(page):
        return {"online": page.locator(f'#online li[data-user-id="{ben_id}"] .name').inner_text(),
                "conversation": conversation.locator(".name").inner_text()}

    live = names(ana)
    ana.reload()
    expect(ana.locator("#online")).to_contain_text("(you)")
    reloaded = names(ana)
    screenshot(ana, "lobby", tmp_path)
    assert reloaded == {"online": "Ben Okafor", "conversation": "Ben Okafor"}, reloaded
    assert live == reloaded, f"live: {live}, after a reload: {reloaded}"
