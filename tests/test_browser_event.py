"""A live event in Chromium: its host creates it with the form, and the participant list and
count follow people as they come and go."""
from __future__ import annotations

import pytest

from tests.browser_people import (
    continue_as_guest,
    create_event,
    messages_saying,
    new_account,
    ready_to_write,
    send,
)
from tests.browser_support import assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser


def participants(page):
    return page.locator("#participants li")


def test_the_participant_list_follows_people_coming_and_going(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    event_id = create_event(ana, "Friday Demo Night",
                            "Five-minute demos of what you built this week. Bring a laptop!")
    expect(ana.locator("#event-status")).to_contain_text("Live now")
    ready_to_write(ana)
    expect(ana.locator("#participant-count")).to_have_text("1")
    expect(participants(ana)).to_have_text(["ana.lima (you)"])

    ben = browser_context().new_page()
    ben_name = continue_as_guest(ben, "ben", f"/events/{event_id}")  # back on the event
    ready_to_write(ben)
    expect(ana.locator("#participant-count")).to_have_text("2")
    expect(participants(ana).filter(has_text=ben_name)).to_have_count(1)
    expect(ben.locator("#participant-count")).to_have_text("2")

    chloe = new_account(browser_context, "chloe.martin", "Chloe Martin")
    chloe.goto(f"/events/{event_id}")
    ready_to_write(chloe)
    for page in (ana, ben, chloe):
        expect(page.locator("#participant-count")).to_have_text("3")

    for page, text in [(ana, "Welcome everyone! First up: Ben with his weather station."),
                       (ben, "Thanks! It runs on a Raspberry Pi and posts readings every minute."),
                       (chloe, "Does it log to a database or just to files?"),
                       (ben, "SQLite for now, with a small web page on top."),
                       (chloe, "Nice! I'm up next with a plant-watering robot."),
                       (ana, "Great demo, Ben. Chloe, the stage is yours!")]:
        send(page, text)
        for other in (ana, ben, chloe):
            expect(messages_saying(other, text)).to_have_count(1)
    ana.reload()  # (without the "Your event is ready." notice, for the picture)
    ready_to_write(ana)
    expect(ana.locator("#participant-count")).to_have_text("3")
    screenshot(ana, "event", tmp_path)

    ben.close()  # Ben closes his tab: he has left
    expect(ana.locator("#participant-count")).to_have_text("2")
    expect(participants(ana).filter(has_text=ben_name)).to_have_count(0)
    expect(chloe.locator("#participant-count")).to_have_text("2")
    expect(participants(chloe)).to_have_text(["ana.lima", "chloe.martin (you)"])
    for page in (ana, chloe):
        assert_no_errors(page.context)


def test_names_in_the_chat_are_the_same_live_as_after_a_reload(browser_context):
    """Ana has a display name and Ben is a guest: those who watch the chat live see them
    named and badged as whoever opens the page later does."""
    ana = new_account(browser_context, "ana.reyes", "Ana Reyes")
    event_id = create_event(ana, "Open Mic")
    ben = browser_context().new_page()
    continue_as_guest(ben, "ben", f"/events/{event_id}")
    ready_to_write(ana)
    ready_to_write(ben)
    send(ana, "Welcome to the open mic")
    send(ben, "Hi all")

    def senders(page):
        """(name, @username, badge) as each message's header shows them."""
        return [messages_saying(page, text).locator(".meta").evaluate(
                    """meta => ['.sender', '.username', '.badge'].map(
                         s => meta.querySelector(s)?.textContent.trim() || '')""")
                for text in ("Welcome to the open mic", "Hi all")]

    expect(messages_saying(ben, "Hi all")).to_have_count(1)
    live = senders(ben)
    ben.reload()
    expect(messages_saying(ben, "Hi all")).to_have_count(1)
    reloaded = senders(ben)
    assert reloaded == [["Ana Reyes", "@ana.reyes", ""], ["ben", "", "guest"]], reloaded
    assert live == reloaded, f"live: {live}, after a reload: {reloaded}"
