"""A room in Chromium: people chatting live, and the history readable without JavaScript."""
from __future__ import annotations

import pytest

from tests.browser_people import (
    continue_as_guest,
    messages_saying,
    new_account,
    ready_to_write,
    send,
    shown_in_order,
    texts_in_order,
)
from tests.browser_support import assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser

CONVERSATION = [
    ("ana", "Is anyone else stuck on question 3 of the algorithms problem set?"),
    ("ben", "Yes! I think it wants a heap, not a sorted list."),
    ("sam", "The notes on priority queues helped me: https://example.com/notes/heaps"),
    ("ana", "That makes sense, thanks. Library at 4 pm to go through it together?"),
    ("ben", "See you there!"),
    ("sam", "Can I join? I have the same question about part b."),
    ("ana", "Of course, the more the merrier. Third floor, by the windows."),
]


def test_people_in_a_room_see_each_message_once_as_it_is_sent(browser_context, tmp_path):
    sam = browser_context().new_page()
    continue_as_guest(sam, "sam", "/rooms/1")  # the guest form brings the guest back here
    ready_to_write(sam)
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    ana.goto("/rooms/1")
    ready_to_write(ana)
    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    ben.goto("/rooms/1")
    ready_to_write(ben)
    people = {"ana": ana, "ben": ben, "sam": sam}

    for author, text in CONVERSATION:
        send(people[author], text)
        for page in people.values():
            expect(messages_saying(page, text)).to_have_count(1)

    # Anything shown twice would have come before the last message did: count again now.
    texts = [text for _, text in CONVERSATION]
    for page in people.values():
        shown_in_order(page, texts)
    expect(messages_saying(ana, CONVERSATION[2][1]).locator(".sender")).to_have_text("sam")
    expect(ana.locator("#people")).to_contain_text("sam")
    ana.reload()  # the picture shows names as the server renders them
    ready_to_write(ana)
    screenshot(ana, "room", tmp_path)
    for page in people.values():
        assert_no_errors(page.context)


def test_a_person_has_the_same_name_live_as_after_a_reload(browser_context):
    """Ben has a display name: whoever already had the room open sees it on his arrival and
    on his messages, as everyone who opens the room later does."""
    ana = new_account(browser_context, "ana.reyes", "Ana Reyes")
    ana.goto("/rooms/3")
    ready_to_write(ana)
    ben = new_account(browser_context, "ben.carter", "Ben Carter")
    ben.goto("/rooms/3")
    send(ben, "Hello from Ben")

    expect(messages_saying(ana, "Hello from Ben")).to_have_count(1)
    live = (ana.locator("#people li[data-user-id]").filter(has_text="Ben").inner_text(),
            messages_saying(ana, "Hello from Ben").locator(".sender").inner_text())
    ana.reload()
    expect(messages_saying(ana, "Hello from Ben")).to_have_count(1)
    reloaded = (ana.locator("#people li[data-user-id]").filter(has_text="Ben").inner_text(),
                messages_saying(ana, "Hello from Ben").locator(".sender").inner_text())
    assert reloaded[1] == "Ben Carter", reloaded
    assert live == reloaded, f"live: {live}, after a reload: {reloaded}"


def test_someone_who_arrives_while_the_page_loads_is_listed(browser_context, connect):
    """Between the server rendering the page and its socket joining, Dana enters the room:
    the people list shows her all the same (the page's script is held back until she is in)."""
    ana = new_account(browser_context, "ana.silva", "Ana Silva")
    held = []
    ana.route("**/static/js/pages/room.js", lambda route: held.append(route))
    with ana.expect_request("**/static/js/pages/room.js"):
        ana.goto("/rooms/4", wait_until="commit")  # module scripts hold up DOMContentLoaded
    expect(ana.get_by_role("heading", level=1)).to_have_text("Gaming Club")
    expect(ana.locator("#people")).not_to_contain_text("dana")  # not there yet when rendered
    dana = connect()
    dana.login("dana")
    assert dana.call("room:join", {"roomId": 4})["ok"]
    assert len(held) == 1, held  # the page asked for its script; let it run now
    held[0].continue_()
    ready_to_write(ana)
    expect(ana.locator("#people")).to_contain_text("dana")
    expect(ana.locator("#users-count")).to_have_text("2 online")


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
    post_as_guest(connect, name, 2, texts)

    context = browser_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/rooms/2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Math Help")
    texts_in_order(page, texts)
    expect(page.locator("main").get_by_text(name, exact=True).first).to_be_visible()
    assert_no_errors(context)
