"""A room page in Chromium: its history is readable without JavaScript."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import assert_no_errors, texts_in_order

pytestmark = pytest.mark.browser


def post_as_guest(connect, name: str, room_id: int, texts: list[str]) -> dict:
    """A python-socketio guest says ``texts`` in the room; returns its user."""
    client = connect()
    client.login(name)
    assert client.call("room:join", {"roomId": room_id})["ok"]
    for text in texts:
        ack = client.call("room:message", {"roomId": room_id, "message": text})
        assert ack["ok"], ack
    return client.user


def test_the_room_history_shows_without_javascript(browser_context, connect, unique):
    name = unique("dev")
    texts = [f"first {unique('m')}", f"second {unique('m')}", f"third {unique('m')}"]
    post_as_guest(connect, name, 1, texts)

    context = browser_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/rooms/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("CS Study Group")
    texts_in_order(page, texts)
    expect(page.locator("main").get_by_text(name, exact=True).first).to_be_visible()
    assert_no_errors(context)
