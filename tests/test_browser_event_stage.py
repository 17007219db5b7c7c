"""The event's stage in Chromium: Q&A with votes and the host's pin, a poll with live bars,
the pinned announcement, floating reactions, the viewer count, held messages in a moderated
chat, and the summary page with its plot. Screenshots for the README."""
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


def question(page, text: str):
    return page.locator("#questions li.question").filter(has_text=text)


def test_a_live_event_with_q_and_a_a_poll_an_announcement_and_reactions(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.host", "Ana Host")
    event_id = create_event(ana, "Launch Keynote", "What we shipped this year, live.")
    ana.reload()
    ready_to_write(ana)
    ben = browser_context().new_page()
    continue_as_guest(ben, "ben", f"/events/{event_id}")
    ready_to_write(ben)
    cleo = browser_context().new_page()
    continue_as_guest(cleo, "cleo", f"/events/{event_id}")
    ready_to_write(cleo)
    for page in (ana, ben, cleo):
        expect(page.locator("#viewer-count")).to_have_text("3")

    # Q&A: an anonymous question and a named one; votes reorder the list for everyone.
    ben.get_by_label("Your question").fill("Will the API stay backwards compatible?")
    ben.get_by_label("Ask anonymously").check()
    ben.get_by_role("button", name="Ask", exact=True).click()
    cleo.get_by_label("Your question").fill("When does the mobile app ship?")
    cleo.get_by_role("button", name="Ask", exact=True).click()
    compat = "Will the API stay backwards compatible?"
    expect(question(cleo, compat)).to_contain_text("Anonymous")
    expect(question(ana, compat)).to_contain_text("(ben")  # the host's record names the asker
    question(cleo, compat).get_by_role("button", name="Vote").click()
    expect(question(ana, compat).locator(".vote")).to_have_text("▲ 1")
    expect(ana.locator("#questions li.question").first).to_contain_text(compat)
    # One vote per person: pressing again takes it back.
    question(cleo, compat).get_by_role("button", name="Take back your vote").click()
    expect(question(ben, compat).locator(".vote")).to_have_text("▲ 0")
    question(cleo, compat).get_by_role("button", name="Vote").click()
    expect(ben.locator("#questions .q-actions button", has_text="Pin")).to_have_count(0)
    question(ana, compat).get_by_role("button", name="Pin").click()
    expect(question(ben, compat)).to_contain_text("Being answered")

    # A poll with live bars.
    ana.get_by_text("Open a poll").click()
    ana.get_by_label("Question", exact=True).fill("Which feature do you want next?")
    ana.get_by_label("Options, one a line (2 to 10)").fill("Dark mode\nOffline sync\nPlugins")
    ana.get_by_role("button", name="Open poll").click()
    poll_ben = ben.locator("#polls .poll").filter(has_text="Which feature")
    poll_ben.locator("li.poll-option", has_text="Offline sync").get_by_role("button").click()
    cleo.locator("#polls li.poll-option", has_text="Offline sync").get_by_role("button").click()
    ana.locator("#polls li.poll-option", has_text="Plugins").get_by_role("button").click()
    expect(ana.locator("#polls li.poll-option", has_text="Offline sync")).to_contain_text("2 · 67%")
    expect(poll_ben).to_contain_text("3 voters")

    # The pinned announcement.
    ana.get_by_placeholder("Pin an announcement for everyone").fill("Slides: example.org/keynote")
    ana.get_by_role("form", name="Pin an announcement").get_by_role("button", name="Pin").click()
    for page in (ben, cleo):
        expect(page.locator("#announcement")).to_contain_text("Slides: example.org/keynote")

    # Reactions float up on everyone's page.
    for _ in range(4):
        ben.get_by_role("button", name="React 👏").click()
        cleo.get_by_role("button", name="React 🎉").click()
    expect(ana.locator("#reaction-layer .floater").first).to_be_attached()
    send(ana, "Thanks for the questions, keep them coming!")
    expect(messages_saying(ben, "Thanks for the questions, keep them coming!")).to_have_count(1)
    for _ in range(3):
        ben.get_by_role("button", name="React ❤️").click()
    expect(ana.locator("#reaction-layer .floater", has_text="❤️").first).to_be_attached()
    # Tall enough for the side pane to show the Q&A and the poll below it.
    ana.set_viewport_size({"width": 1280, "height": 1500})
    ana.locator("#side-pane").evaluate("pane => { pane.scrollTop = 0; }")
    expect(ana.locator("#polls .poll").first).to_be_in_viewport()
    screenshot(ana, "event-stage", tmp_path)

    # The summary page: figures, the server-drawn plot, the downloads.
    cleo.goto(f"/events/{event_id}/summary")
    expect(cleo.locator('[data-figure="questions"]')).to_have_text("2 (0 answered)")
    expect(cleo.locator('[data-figure="peakViewers"]')).to_have_text("3")
    plot = cleo.locator("#summary-plot")
    expect(plot).to_be_visible()
    assert plot.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(cleo.get_by_role("link", name="Plot (SVG)")).to_be_visible()
    screenshot(cleo, "event-summary", tmp_path)
    assert_no_errors(ana.context)
    assert_no_errors(ben.context)


def test_moderated_chat_holds_a_guest_message_until_the_host_approves(browser_context):
    ana = new_account(browser_context, "mod.host", "Mod Host")
    event_id = create_event(ana, "Moderated AMA", "Questions are reviewed first.")
    ana.reload()
    ready_to_write(ana)
    ben = browser_context().new_page()
    continue_as_guest(ben, "ben", f"/events/{event_id}")
    ready_to_write(ben)
    ana.get_by_label("Moderated chat").check()
    expect(ana.get_by_label("Moderated chat")).to_be_checked()
    ben.reload()  # (the setting is read when sending; a reload shows nothing new to Ben)
    ready_to_write(ben)
    send_text = "Is this recorded?"
    ben.locator("#composer").fill(send_text)
    ben.locator("#composer").press("Enter")
    expect(ben.locator("#my-held")).to_contain_text(send_text)
    expect(ben.locator("#my-held")).to_contain_text("waiting for approval")
    expect(messages_saying(ana, send_text)).to_have_count(0)
    held = ana.locator("#held-queue li", has_text=send_text)
    expect(held).to_have_count(1)
    expect(ana.locator("#held-count")).to_have_text("1")
    held.get_by_role("button", name="Approve").click()
    for page in (ana, ben):
        expect(messages_saying(page, send_text)).to_have_count(1)
    expect(ben.locator("#my-held li")).to_have_count(0)
    expect(ana.locator("#held-count")).to_have_text("0")
    send(ana, "Yes, it is.")  # the host is never held
    expect(messages_saying(ben, "Yes, it is.")).to_have_count(1)
    assert_no_errors(ana.context)
    assert_no_errors(ben.context)
