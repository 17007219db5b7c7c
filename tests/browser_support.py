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
        from playwright.sync_api import expect, sync_playwright
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
        # The site declares no icon, so Chromium asks for /favicon.ico on its own, sometimes:
        # its 404 is the browser's guess, not something a page asked for.
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"console: {message.text} ({url})")

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
    from playwright.sync_api import expect

    expect(header(page)).to_contain_text(shown_name)
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
    expect(header(page).get_by_role("link", name="Sign in", exact=True)).to_have_count(0)


def expect_signed_out(page) -> None:
    from playwright.sync_api import expect

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
    """Use the "continue as a guest" form (POST /guest) on ``path``; returns the shown name
    (the server may add a suffix when the name is taken)."""
    from playwright.sync_api import expect

    page.goto(path)
    form = page.locator('form[action$="/guest"]')
    form.locator('input[name="username"]').fill(name)
    form.locator('button[type="submit"], input[type="submit"]').first.click()
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()
    shown = header(page).locator(".me-name").inner_text().strip()
    assert shown.startswith(name), (name, shown)
    return shown


def no_horizontal_scroll(page) -> tuple[int, int]:
    """(scrollWidth, clientWidth) of the document; the page scrolls sideways when the first
    is larger."""
    return tuple(page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"))


def texts_in_order(page, texts: list[str], within: str = "main") -> None:
    """Every text is visible, each exactly once, in this order top to bottom."""
    from playwright.sync_api import expect

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
