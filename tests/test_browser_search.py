"""Searching from the sidebar in Chromium: results from every room the searcher may read,
the words marked, a link to each message; never a message of a private room they are not in."""
from __future__ import annotations

import re

import pytest

from tests.browser_people import messages_saying, new_account, ready_to_write, send
from tests.browser_support import assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser


def test_search_finds_what_the_searcher_may_read_and_links_to_it(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    ana.goto("/")  # a private room of Ana's, through the lobby's form
    ana.locator("#new-room > summary").click()
    form = ana.locator("#room-form")
    form.get_by_label("Room name", exact=True).fill("Hidden Orchard")
    form.get_by_label(re.compile("^Private")).check()
    form.get_by_role("button", name="Create room").click()
    expect(ana).to_have_url(re.compile(r"/rooms/\d+$"))
    send(ana, "The pineapple plan stays between us")

    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    ben.goto("/rooms/3")
    ready_to_write(ben)
    send(ben, "Pineapple pizza at the campus party tonight?")

    chloe = new_account(browser_context, "chloe.martin", "Chloe Martin")
    chloe.goto("/rooms/1")
    ready_to_write(chloe)
    box = chloe.get_by_role("searchbox", name="Search messages")
    box.fill("pineapp")
    box.press("Enter")
    expect(chloe).to_have_url(re.compile(r"/search\?q=pineapp"))
    results = chloe.locator("#search-results .search-hit")
    expect(results).to_have_count(1)
    expect(results.first.locator("mark")).to_have_text("Pineapple")
    expect(results.first).to_contain_text("Campus Events")
    expect(chloe.locator("main")).not_to_contain_text("pineapple plan")
    # Its time in Chloe's zone, once the page's script has run.
    expect(results.first.locator("time")).to_have_attribute("title", re.compile(r"\d"))
    screenshot(chloe, "search", tmp_path)
    results.first.get_by_role("link", name=re.compile("Campus Events")).click()
    expect(chloe).to_have_url(re.compile(r"/rooms/3#m\d+$"))
    expect(messages_saying(chloe, "Pineapple pizza at the campus party tonight?")).to_be_focused()

    # Ana, in the private room, finds both.
    ana.goto("/search?q=pineapple")
    expect(ana.locator("#search-results .search-hit")).to_have_count(2)
    for page in (ana, ben, chloe):
        assert_no_errors(page.context)
