"""Moderation in Chromium: a room's owner deletes a message and it goes from every screen."""
from __future__ import annotations

import re

import pytest

from tests.browser_people import create_room, messages_saying, new_account, ready_to_write, send
from tests.browser_support import assert_no_errors, expect

pytestmark = pytest.mark.browser

SPAM = "Cheap watches!!! Visit watches.example now"


def test_the_owner_deletes_a_message_and_it_disappears_for_everyone(browser_context):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    room_id = create_room(ana, "Board Games", "Game nights every Thursday", "interests")
    ready_to_write(ana)

    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    ben.get_by_role("link", name="Board Games").click()  # the new room is in Ben's lobby
    expect(ben).to_have_url(re.compile(rf"/rooms/{room_id}$"))
    ready_to_write(ben)

    send(ana, "Who is in for Catan on Thursday?")
    send(ben, SPAM)
    send(ben, "Me! I'll bring snacks.")
    expect(messages_saying(ana, SPAM)).to_have_count(1)
    # Ben may delete his own messages, not Ana's.
    expect(messages_saying(ben, "Who is in for Catan on Thursday?")
           .locator(".delete-message")).to_have_count(0)

    messages_saying(ana, SPAM).get_by_role("button", name=re.compile("^Delete")).click()
    for page in (ana, ben):
        expect(messages_saying(page, SPAM)).to_have_count(0)
        expect(messages_saying(page, "Me! I'll bring snacks.")).to_have_count(1)
        expect(messages_saying(page, "Who is in for Catan on Thursday?")).to_have_count(1)

    ben.reload()  # and it stays gone
    ready_to_write(ben)
    expect(messages_saying(ben, "Me! I'll bring snacks.")).to_have_count(1)
    expect(messages_saying(ben, SPAM)).to_have_count(0)
    for page in (ana, ben):
        assert_no_errors(page.context)
