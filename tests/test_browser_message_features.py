"""Reactions, replies, edits, mentions, Markdown and unread badges in Chromium, with two or
three people in a room: each sees what the others do, live, and the same after a reload."""
from __future__ import annotations

import re

import pytest

from tests.browser_people import (
    messages_saying,
    new_account,
    page_data,
    ready_to_write,
    send,
)
from tests.browser_support import assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser


def sidebar(page):
    return page.get_by_role("navigation", name="Rooms and conversations")


def message_with(page, text: str):
    """A message whose text contains ``text`` (Markdown makes the exact text hard to match)."""
    return page.locator("#messages li.message").filter(
        has=page.locator(".text", has_text=text))


def act(page, message, action: str) -> None:
    """Hover a message and press one of its actions ("React", "Reply", "Edit")."""
    message.hover()
    message.get_by_role("toolbar", name="Message actions").get_by_role(
        "button", name=re.compile(f"^{action}")).click()


def react(page, message, emoji: str) -> None:
    act(page, message, "React")
    message.get_by_role("button", name=f"React with {emoji}").click()


def test_three_people_react_reply_edit_and_mention(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    chloe = new_account(browser_context, "chloe.martin", "Chloe Martin")
    people = (ana, ben, chloe)
    for page in people:
        page.goto("/rooms/5")
        ready_to_write(page)

    # Markdown, rendered the same for everyone.
    ana.locator("#composer").fill("Who has read **Dune** yet?")
    ana.locator("#composer").press("Enter")
    for page in people:
        expect(message_with(page, "Who has read").locator("strong")).to_have_text("Dune")
    question = "Who has read"

    # Reactions: Ben and Chloe both like it; everyone sees 2 and who.
    react(ben, message_with(ben, question), "👍")
    react(chloe, message_with(chloe, question), "👍")
    thumbs = message_with(ana, question).locator('.reaction[data-emoji="👍"]')
    expect(thumbs.locator(".reaction-count")).to_have_text("2")
    expect(thumbs).to_have_attribute("title", re.compile("Ben Okafor.*Chloe Martin"))
    mine = message_with(ben, question).locator('.reaction[data-emoji="👍"]')
    expect(mine).to_have_attribute("aria-pressed", "true")
    # Pressing one's own reaction takes it back.
    mine.click()
    expect(thumbs.locator(".reaction-count")).to_have_text("1")
    expect(mine).to_have_attribute("aria-pressed", "false")

    # A reply: the composer says what it answers; everyone sees the quote.
    act(chloe, message_with(chloe, question), "Reply")
    expect(chloe.locator("#reply-bar")).to_contain_text("Replying to Ana Lima")
    send(chloe, "Me! The sandworms alone are worth it.")
    for page in people:
        reply = messages_saying(page, "Me! The sandworms alone are worth it.")
        expect(reply.locator(".reply-quote")).to_contain_text("Ana Lima")
        # The quote reads as the message does, without its Markdown markup.
        expect(reply.locator(".reply-excerpt")).to_have_text("Who has read Dune yet?")
    expect(chloe.locator("#reply-bar")).to_be_hidden()
    # Following the quote brings the original into view.
    messages_saying(ben, "Me! The sandworms alone are worth it.").locator(".reply-quote").click()
    expect(message_with(ben, question)).to_be_focused()

    # Ana edits her question: new words and "(edited)" for everyone.
    act(ana, message_with(ana, question), "Edit")
    editor = ana.get_by_label("Edit your message")
    expect(editor).to_have_value("Who has read **Dune** yet?")
    editor.fill("Who has read **Dune** or *Hyperion* yet?")
    editor.press("Enter")
    for page in people:
        edited = message_with(page, "Hyperion")
        expect(edited.locator("em")).to_have_text("Hyperion")
        expect(edited.locator(".edited")).to_have_text("(edited)")

    # A mention: "@an" offers Ana; she sees the message marked for her.
    ben.locator("#composer").press_sequentially("@an")
    option = ben.get_by_role("option", name=re.compile("Ana Lima"))
    expect(option).to_be_visible()
    ben.locator("#composer").press("Enter")
    expect(ben.locator("#composer")).to_have_value("@ana.lima ")
    ben.locator("#composer").press_sequentially("the sequel is better")
    ben.locator("#composer").press("Enter")
    mention = message_with(ana, "the sequel is better")
    expect(mention).to_have_class(re.compile(r"\bmentions-me\b"))
    expect(mention.locator(".mention-me")).to_have_text("@ana.lima")
    expect(message_with(chloe, "the sequel is better")).not_to_have_class(
        re.compile(r"\bmentions-me\b"))
    ana.mouse.move(0, 0)
    ana.locator("#composer").focus()  # no toolbar left open by the edit
    screenshot(ana, "reactions-replies", tmp_path)

    # After a reload the page shows it all as it did live.
    ana.reload()
    ready_to_write(ana)
    expect(message_with(ana, "Hyperion").locator(".edited")).to_have_text("(edited)")
    expect(message_with(ana, "Hyperion").locator('.reaction[data-emoji="👍"] .reaction-count')
           ).to_have_text("1")
    expect(message_with(ana, "Hyperion").locator('.reaction[data-emoji="👍"]')
           ).to_have_attribute("title", re.compile("Chloe Martin"))
    expect(messages_saying(ana, "Me! The sandworms alone are worth it.").locator(".reply-quote")
           ).to_contain_text("Ana Lima")
    expect(message_with(ana, "the sequel is better")).to_have_class(re.compile(r"\bmentions-me\b"))
    for page in people:
        assert_no_errors(page.context)


def test_a_mention_elsewhere_badges_the_room_until_read_on_any_tab(browser_context):
    ana = new_account(browser_context, "ana.costa", "Ana Costa")
    ana.goto("/rooms/2")
    ready_to_write(ana)
    ben = new_account(browser_context, "ben.adams", "Ben Adams")
    ben.goto("/rooms/3")
    ready_to_write(ben)
    send(ben, "@ana.costa are you coming to the film night?")
    # Ana is in another room: the Campus Events line in her sidebar counts the mention.
    item = sidebar(ana).locator('.side-item[data-room-id="3"]')
    expect(item.locator('.side-badge[data-kind="mentions"]')).to_contain_text("@1")
    # She reads it in another tab: the badge goes on this one too.
    other_tab = ana.context.new_page()
    other_tab.goto("/rooms/3")
    expect(message_with(other_tab, "film night")).to_have_class(re.compile(r"\bmentions-me\b"))
    expect(item.locator('.side-badge[data-kind="mentions"]')).to_be_hidden()
    # And the next page she opens has no badge for it either.
    ana.goto("/rooms/1")
    ready_to_write(ana)
    expect(sidebar(ana).locator('.side-item[data-room-id="3"] .side-badge[data-kind="mentions"]')
           ).to_be_hidden()
    assert page_data(ana)["me"]["username"] == "ana.costa"
    assert_no_errors(ana.context)


def test_a_reply_to_an_old_message_loads_history_until_the_original_shows(browser_context,
                                                                          server):
    from tests.helpers import ChatClient

    client = ChatClient(server.url)
    try:
        client.login("historian")
        assert client.call("room:join", {"roomId": 4})["ok"]
        first = client.call("room:message", {"roomId": 4, "message": "Tournament rules, v1"})
        for n in range(130):  # more than a join brings (100) and the page shows (50)
            assert client.call("room:message", {"roomId": 4, "message": f"chatter {n}"})["ok"]
        answer = client.call("room:message", {"roomId": 4, "message": "About the rules above",
                                              "replyTo": first["message"]["id"]})
        assert answer["ok"], answer
    finally:
        client.close()
    reader = new_account(browser_context, "reader.one", "Reader One")
    reader.goto("/rooms/4")
    ready_to_write(reader)
    expect(messages_saying(reader, "Tournament rules, v1")).to_have_count(0)  # not on the page
    messages_saying(reader, "About the rules above").locator(".reply-quote").click()
    original = messages_saying(reader, "Tournament rules, v1")
    expect(original).to_be_focused(timeout=15000)
    expect(original).to_be_in_viewport()

    # Far up the history: a way back down, and a line where the new ones start.
    jump = reader.locator("#new-messages")
    expect(jump).to_have_text("Jump to latest ↓")
    client = ChatClient(server.url)
    try:
        client.login("latecomer")
        assert client.call("room:join", {"roomId": 4})["ok"]
        assert client.call("room:message", {"roomId": 4, "message": "Did I miss anything?"})["ok"]
    finally:
        client.close()
    late = messages_saying(reader, "Did I miss anything?")
    expect(late).to_have_count(1)
    expect(jump).to_have_text("New messages ↓")
    expect(reader.locator("#messages li.unread-line + li.message, "
                          "#messages li.unread-line + li.day-separator + li.message")
           ).to_have_text(re.compile("Did I miss anything?"))
    jump.click()
    expect(late).to_be_in_viewport()
    expect(jump).to_be_hidden()
    assert_no_errors(reader.context)


# The browser's notifications and tab visibility, under the test's control: what the page
# shows is recorded in window.__notifications; window.__hidden hides the tab.
NOTIFICATIONS = """(() => {
  window.__hidden = false;
  Object.defineProperty(Document.prototype, "visibilityState",
    { configurable: true, get() { return window.__hidden ? "hidden" : "visible"; } });
  const shown = window.__notifications = [];
  let permission = "default";
  window.Notification = class {
    constructor(title, options) { shown.push({ title, body: options?.body }); }
    close() {}
    static get permission() { return permission; }
    static async requestPermission() { permission = "granted"; return permission; }
  };
})();"""


def test_a_mention_in_a_hidden_tab_notifies_after_asking_once(browser_context):
    from tests.browser_people import register

    context = browser_context()
    context.add_init_script(NOTIFICATIONS)
    ana = context.new_page()
    register(ana, "ana.reyes", display_name="Ana Reyes")
    ben = new_account(browser_context, "ben.ames", "Ben Ames")
    for page in (ana, ben):
        page.goto("/rooms/2")
        ready_to_write(page)
    offer = ana.get_by_role("region", name="Notifications")
    expect(offer).to_have_count(0)  # nobody asks before there is a reason
    send(ben, "@ana.reyes can you share the notes?")
    expect(offer).to_contain_text("when someone mentions you")
    offer.get_by_role("button", name="Turn on").click()
    expect(offer).to_have_count(0)

    ana.evaluate("window.__hidden = true")
    send(ben, "@ana.reyes the exam is moved to Monday")
    ana.wait_for_function("window.__notifications.length === 1")
    shown = ana.evaluate("window.__notifications")
    assert shown == [{"title": "Ben Ames mentioned you in Math Help",
                      "body": "@ana.reyes the exam is moved to Monday"}], shown
    # A message that does not name her makes no notification.
    send(ben, "Anyone else need the notes?")
    expect(message_with(ana, "Anyone else need the notes?")).to_have_count(1)
    assert ana.evaluate("window.__notifications.length") == 1

    # Asked once: a new mention after a reload does not ask again.
    ana.reload()
    ready_to_write(ana)
    send(ben, "@ana.reyes thanks!")
    expect(message_with(ana, "thanks!")).to_have_class(re.compile(r"\bmentions-me\b"))
    expect(offer).to_have_count(0)
    assert_no_errors(ana.context)


def test_mentions_in_an_event_chat(browser_context):
    from tests.browser_people import create_event

    ana = new_account(browser_context, "ana.moss", "Ana Moss")
    event_id = create_event(ana, "Trivia Night", "Teams of four")
    ready_to_write(ana)
    ben = new_account(browser_context, "ben.hart", "Ben Hart")
    ben.goto(f"/events/{event_id}")
    ready_to_write(ben)
    ben.locator("#composer").press_sequentially("@ana")
    expect(ben.get_by_role("option", name=re.compile("ana.moss"))).to_be_visible()
    ben.locator("#composer").press("Tab")
    ben.locator("#composer").press_sequentially("which team am I in?")
    ben.locator("#composer").press("Enter")
    mention = message_with(ana, "which team am I in?")
    expect(mention).to_have_class(re.compile(r"\bmentions-me\b"))
    expect(mention.locator(".mention-me")).to_have_text("@ana.moss")
    for page in (ana, ben):
        assert_no_errors(page.context)
