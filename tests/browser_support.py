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
                     "chromium (apt-get install chromium fonts-dejavu-core "
                     "fonts-noto-color-emoji, as root), "
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


def screenshot(page, name: str, tmp_path: Path) -> Path:
    """Save a screenshot: into docs/screenshots/ when UPDATE_SCREENSHOTS=1, else tmp."""
    folder = SCREENSHOT_DIR if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    page.screenshot(path=str(target))
    return target
