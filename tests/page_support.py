"""Helpers for tests of the server-rendered pages, which run with CSRF protection on.

A browser fetches a form before posting it; so do these helpers, taking the CSRF token from
the form's HTML. :func:`inert_problems` parses a page and lists anything a payload could have
turned into live markup.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import escape

TOKEN_PATTERN = re.compile(r'<input[^>]*name="(?:[\w]+-)?csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct horse battery"

# Markup that must never come out of what a user typed.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
]


def csrf_token(html: str) -> str:
    match = TOKEN_PATTERN.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def form_token(client, path: str) -> str:
    """The CSRF token of the form at ``path`` (this also gives the client a session)."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return csrf_token(response.get_data(as_text=True))


def post_form(client, path: str, data: dict, *, token_from: str | None = None,
              prefix: str = "", **kwargs):
    """POST ``data`` to ``path`` the way a browser does: with the token of the form on
    ``token_from`` (by default the page at ``path`` itself), named as that form names it."""
    token = form_token(client, token_from or path)
    name = f"{prefix}-csrf_token" if prefix else "csrf_token"
    return client.post(path, data={**data, name: token}, **kwargs)


def register(client, username: str, password: str = PASSWORD, **fields):
    return post_form(client, "/register", {"username": username, "password": password,
                                           "confirm": fields.pop("confirm", password),
                                           "display_name": fields.pop("display_name", ""),
                                           **fields})


def login(client, username: str, password: str = PASSWORD, *, next: str = "", **kwargs):
    return post_form(client, "/login", {"username": username, "password": password,
                                        "next": next}, **kwargs)


def logout(client):
    return post_form(client, "/logout", {}, token_from="/", prefix="logout")


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie is not None else None


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def signed_in_as(html: str) -> str | None:
    """The name the page header shows for the signed-in user, or None if signed out."""
    match = re.search(r'<span class="me-name">([^<]*)</span>', html)
    return match.group(1) if match else None


def field_error(html: str, field_id: str) -> str | None:
    """The error shown next to the field with this id (tied to it by aria-describedby)."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    if match is None:
        return None
    assert re.search(rf'<input[^>]*aria-describedby="[^"]*{re.escape(field_id)}-error', html), \
        f"the error of {field_id} is not tied to its input"
    return match.group(1)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))


def parse_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def links(html: str) -> list[dict]:
    return [dict(attrs) for tag, attrs in parse_tags(html) if tag == "a"]


def inert_problems(html: str, payloads: list[str] = XSS_PAYLOADS) -> list[str]:
    """What in ``html`` looks like a payload turned into markup (empty when all is inert):
    a <script> element other than the page's own (files under /static/ and the JSON page
    data), an ``on*`` attribute, a ``javascript:`` href or src, the payload's <img src=x>, a
    payload's ``<`` left raw inside the page data, or a payload missing from the page in its
    escaped form. The pages carry no event handlers of their own, so any at all is a
    failure."""
    problems = []
    for tag, attrs in parse_tags(html):
        if tag == "script" and not is_own_script(dict(attrs)):
            problems.append(f"a <script> element {dict(attrs)!r}")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and value is not None \
                    and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                problems.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and ("src", "x") in attrs:
            problems.append("the payload's <img src=x>")
    for data in PAGE_DATA_PATTERN.findall(html):
        if "<" in data:  # tojson writes < as \u003c, so nothing can close the element early
            problems.append("a raw '<' inside the page data")
    for payload in payloads:
        if str(escape(payload)) not in html:
            problems.append(f"{payload!r} is not shown escaped")
    return problems


PAGE_DATA_PATTERN = re.compile(
    r'<script id="page-data" type="application/json">(.*?)</script>', re.DOTALL)


def is_own_script(attrs: dict) -> bool:
    """A script file this site serves, or the page's JSON data island."""
    src = attrs.get("src")
    if src is not None:
        return src.startswith("/static/")
    return attrs.get("type") == "application/json" and attrs.get("id") == "page-data"
