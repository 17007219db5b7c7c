"""A person using the site in a real browser: signing up and in, sending, reading what a
page shows. Each helper goes through the page as a user would (labels, buttons, the composer)
and waits for what the user would then see."""
from __future__ import annotations

import re

from tests.browser_support import expect
from tests.page_support import PASSWORD


def header(page):
    return page.locator("header").first


def expect_signed_in(page, shown_name: str) -> None:
    expect(header(page)).to_contain_text(shown_name)
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
    expect(header(page).get_by_role("link", name="Sign in", exact=True)).to_have_count(0)


def expect_signed_out(page) -> None:
    expect(header(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(header(page).get_by_role("button", name="Sign out")).to_have_count(0)


def register(page, username: str, password: str = PASSWORD, display_name: str = "") -> str:
    """Create an account through the real /register form; returns the name the header shows."""
    page.goto("/register")
    page.get_by_label("Username", exact=True).fill(username)
    if display_name:
        page.get_by_label("Display name (optional)", exact=True).fill(display_name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password", exact=True).fill(password)
    page.get_by_role("button", name="Create account").click()
    shown = display_name or username
    expect_signed_in(page, shown)
    return shown


def fill_sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Fill and submit the /login form on the current page."""
    page.get_by_label("Username or email", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def sign_in(page, username: str, password: str = PASSWORD, shown_name: str | None = None) -> None:
    """Sign in through the real /login form and wait until the header shows the user."""
    page.goto("/login")
    fill_sign_in(page, username, password)
    expect_signed_in(page, shown_name or username)


def sign_out(page) -> None:
    header(page).get_by_role("button", name="Sign out").click()
    expect_signed_out(page)


def continue_as_guest(page, name: str, path: str = "/") -> str:
    """Use the "Continue as a guest" form on ``path`` (the lobby, a room, an event); returns
    the name the header shows (the server may add a suffix when the name is taken)."""
    page.goto(path)
    form = page.get_by_role("form", name="Continue as a guest")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_role("button", name="Continue as a guest").click()
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
    shown = header(page).locator(".me-name").inner_text().strip()
    assert shown.startswith(name), (name, shown)
    return shown


def new_account(browser_context, username: str, display_name: str = "", **options):
    """A new person: a fresh browser context, registered and signed in; returns its page."""
    page = browser_context(**options).new_page()
    register(page, username, display_name=display_name)
    return page


def page_data(page) -> dict:
    """The page's boot data (``<script id="page-data">``)."""
    import json

    return json.loads(page.locator("#page-data").text_content())


# --- chat pages ----------------------------------------------------------------------------

def messages_saying(page, text: str):
    """The message elements of the page's list whose text is exactly ``text``."""
    exactly = re.compile("^" + re.escape(text) + "$")
    return page.locator("#messages li.message").filter(
        has=page.locator(".text", has_text=exactly))


def ready_to_write(page) -> None:
    """Wait until the composer is enabled (the page's socket has joined)."""
    expect(page.locator("#composer")).to_be_enabled()


def send(page, text: str) -> None:
    """Type ``text`` in the composer and press Enter; wait until it shows, once."""
    ready_to_write(page)
    page.locator("#composer").fill(text)
    page.locator("#composer").press("Enter")
    expect(messages_saying(page, text)).to_have_count(1)
    expect(page.locator("#composer")).to_have_value("")


def no_horizontal_scroll(page) -> tuple[int, int]:
    """(scrollWidth, clientWidth) of the document; the page scrolls sideways when the first
    is larger."""
    return tuple(page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"))


def texts_in_order(page, texts: list[str], within: str = "main") -> None:
    """Every text is visible, each exactly once, in this order top to bottom."""
    area = page.locator(within)
    for text in texts:
        expect(area.get_by_text(text, exact=True)).to_have_count(1)
        expect(area.get_by_text(text, exact=True)).to_be_visible()
    tops = [area.get_by_text(text, exact=True).bounding_box()["y"] for text in texts]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), list(zip(texts, tops))


def message_texts(page) -> list[str]:
    """The texts of the page's messages, top to bottom."""
    return [text.strip() for text in page.locator("#messages li.message .text").all_inner_texts()]


def shown_in_order(page, texts: list[str]) -> None:
    """Each of ``texts`` is in the message list once, in this order (others may come between)."""
    shown = message_texts(page)
    for text in texts:
        assert shown.count(text) == 1, (text, shown)
    positions = [shown.index(text) for text in texts]
    assert positions == sorted(positions), shown


def create_room(page, name: str, description: str = "", category: str = "") -> int:
    """Create a room with the lobby's form; returns its id (the browser is then in it)."""
    page.goto("/")
    page.locator("#new-room > summary").click()  # the form sits behind its "New room" button
    form = page.locator("#room-form")
    form.get_by_label("Room name", exact=True).fill(name)
    if description:
        form.get_by_label("Description (optional)", exact=True).fill(description)
    if category:
        form.get_by_label("Category", exact=True).fill(category)
    form.get_by_role("button", name="Create room").click()
    expect(page).to_have_url(re.compile(r"/rooms/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return int(page.url.rsplit("/", 1)[1])


def create_event(page, name: str, description: str = "") -> str:
    """Create an event that starts now with the /events/new form; returns its id."""
    page.goto("/events/new")
    page.get_by_label("Name", exact=True).fill(name)
    if description:
        page.get_by_label("Description (optional)", exact=True).fill(description)
    page.get_by_role("button", name="Create event").click()
    expect(page).to_have_url(re.compile(r"/events/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return page.url.rsplit("/", 1)[1]
