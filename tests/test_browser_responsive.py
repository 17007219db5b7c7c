"""On a phone-sized screen the pages fit: nothing scrolls sideways, even a long unbroken word."""
from __future__ import annotations

import pytest

from tests.browser_people import no_horizontal_scroll
from tests.browser_support import PHONE, assert_no_errors

pytestmark = pytest.mark.browser

LONG_WORD = "Supercalifragilistic" * 12
LONG_URL = "https://example.com/" + "a-very-long-path-segment-" * 10 + "end"


@pytest.fixture(scope="module")
def long_lines(server):
    """A guest says a 240-letter word and a 270-character link in room 1 and in an event."""
    from tests.event_support import join_event, say
    from tests.helpers import ChatClient

    client = ChatClient(server.url)
    try:
        client.login("phoneguest")
        assert client.call("room:join", {"roomId": 1})["ok"]
        for text in (LONG_WORD, LONG_URL):
            assert client.call("room:message", {"roomId": 1, "message": text})["ok"]
        join_event(client, "phone-event")
        for text in (LONG_WORD, LONG_URL):
            say(client, text)
    finally:
        client.close()
    return {"room": "/rooms/1", "event": "/events/phone-event"}


@pytest.mark.parametrize("page_name", ["lobby", "room", "event", "login"])
def test_the_page_fits_a_phone_screen(browser_context, long_lines, page_name):
    path = {"lobby": "/", "login": "/login", **long_lines}[page_name]
    context = browser_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(path)
    page.wait_for_load_state("load")
    if page_name in ("room", "event"):
        page.get_by_text(LONG_WORD).first.wait_for()
    scroll_width, client_width = no_horizontal_scroll(page)
    assert client_width == PHONE["width"], client_width
    assert scroll_width <= client_width, \
        f"{path} scrolls sideways on a {PHONE['width']}px phone: {scroll_width}px wide"
    assert_no_errors(context)
