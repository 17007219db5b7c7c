"""Real-browser tests: Debian's Chromium driven by Playwright against a real server process.

Loaded as a pytest plugin (``pytest_plugins`` in ``conftest.py``), so its fixtures and its
report hook apply to every module; a test is a browser test when it uses them, and is marked
``browser`` (``pytestmark = pytest.mark.browser``).

The browser is ``CHROMIUM_PATH`` (default ``/usr/bin/chromium``; ``scripts/test.sh`` installs
Debian's ``chromium`` when it is missing). Playwright never downloads a browser here. When the
browser or Playwright is missing the tests FAIL under CI (env ``CI`` set) and SKIP elsewhere,
saying what is missing, as the scale-out tests do for PostgreSQL and Redis.

One Chromium per test session; every ``browser_context(...)`` is a fresh profile (cookies,
storage), so two contexts are two people. Each context records console errors and uncaught
page errors; ``assert_no_errors(context)`` checks them. When a test fails, a screenshot of
every page it still had open and the error log are saved under its tmp dir (path printed).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.page_support import PASSWORD

try:  # the test modules take ``expect`` from here, so they import without Playwright
    from playwright.sync_api import expect
except ImportError:  # then the fixtures below fail (CI) or skip, saying so
    expect = None

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
WAIT_MS = 5000  # explicit waits: what a user would notice within a few seconds
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message + " (CI requires it)", pytrace=False)
    pytest.skip(message)


def require_chromium() -> str:
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        _unavailable(f"no Chromium at {CHROMIUM_PATH}: scripts/test.sh installs Debian's "
                     "chromium (apt-get install chromium fonts-dejavu-core, as root), "
                     "or set CHROMIUM_PATH")
    return CHROMIUM_PATH


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_driver():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright is not installed ({exc}): pip install -r requirements-dev.txt")
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """One headless Chromium for the session (each context is a fresh, isolated profile)."""
    path = require_chromium()
    browser = playwright_driver.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS,
                                                headless=True)
    yield browser
    browser.close()


@pytest.fixture
def browser_context(chromium, request, tmp_path):
    """Factory for fresh browser contexts (one per person), all closed after the test.

    ``browser_context(java_script_enabled=False)``, ``viewport=PHONE, is_mobile=True``,
    ``base_url=...`` (default: the module's ``server``); other keywords go to Playwright."""
    made = []

    def make(*, base_url: str | None = None, viewport: dict | None = None,
             java_script_enabled: bool = True, is_mobile: bool = False, **options):
        if base_url is None:
            base_url = request.getfixturevalue("server").url
        if is_mobile:
            options.setdefault("has_touch", True)
        context = chromium.new_context(base_url=base_url, viewport=viewport or DESKTOP,
                                       java_script_enabled=java_script_enabled,
                                       is_mobile=is_mobile, **options)
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(3 * WAIT_MS)
        context.errors = watch_errors(context)
        made.append(context)
        return context

    yield make
    failed = getattr(request.node, "browser_failed", False)
    for number, context in enumerate(made, 1):
        if failed:
            _save_evidence(context, number, tmp_path)
        try:
            context.close()
        except Exception:  # the browser may be gone if the test broke it
            pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.browser_failed = True
    return report


def _save_evidence(context, number: int, folder: Path) -> None:
    for index, page in enumerate(context.pages, 1):
        target = folder / f"context{number}-page{index}.png"
        try:
            page.screenshot(path=str(target), full_page=True)
            print(f"[browser] {page.url} -> {target}")
        except Exception as exc:
            print(f"[browser] no screenshot of {page.url}: {exc}")
    if context.errors:
        print(f"[browser] context {number} errors: {context.errors}")


# --- what the browser says went wrong ------------------------------------------------------

def watch_errors(context) -> list[str]:
    """A list that collects the context's console errors and uncaught page errors."""
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_page(page):
        page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))

    context.on("console", on_console)
    context.on("page", on_page)
    return errors


def assert_no_errors(context, allow: str | None = None) -> None:
    """No console error and no uncaught exception in any page of ``context`` (except those
    matching the regex ``allow``)."""
    errors = [e for e in context.errors if not (allow and re.search(allow, e))]
    assert errors == [], "the browser reported errors:\n" + "\n".join(errors)


# --- a person using the site ---------------------------------------------------------------

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
    page.get_by_label("Username", exact=True).fill(username)
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


def screenshot(page, name: str, tmp_path: Path) -> Path:
    """Save a screenshot: into docs/screenshots/ when UPDATE_SCREENSHOTS=1, else tmp."""
    folder = SCREENSHOT_DIR if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    page.screenshot(path=str(target))
    return target


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


class CuttableLink:
    """A TCP relay from a port of its own to ``target_port``: the browser reaches the server
    through it, and ``cut()`` drops every connection and refuses new ones until ``restore()``
    (a network outage for that browser only; the server and other clients are unaffected)."""

    def __init__(self, target_port: int) -> None:
        import socket
        import threading

        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.open: set = set()
        self.down = False
        self.closed = False

    def start(self) -> "CuttableLink":
        import threading

        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        import socket
        import threading

        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                refuse = self.down
            if refuse:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            self._drop(source, sink)

    def _drop(self, *sockets) -> None:
        import socket

        for sock in sockets:
            with self.lock:
                self.open.discard(sock)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut(self) -> None:
        with self.lock:
            self.down = True
            victims = list(self.open)
        self._drop(*victims)

    def restore(self) -> None:
        with self.lock:
            self.down = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
