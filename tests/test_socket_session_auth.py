"""A browser page's socket is identified by the session cookie of the page's sign-in."""
from __future__ import annotations

import re

import requests

from tests.helpers import ChatClient, settle
from tests.page_support import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_in_browser(server, username: str) -> requests.Session:
    """Register through the real /register form, as a browser does (CSRF token included)."""
    browser = requests.Session()
    page = browser.get(server.url + "/register")
    token = TOKEN.search(page.text).group(1)
    answer = browser.post(server.url + "/register", data={
        "csrf_token": token, "username": username, "password": PASSWORD, "confirm": PASSWORD},
        allow_redirects=False)
    assert answer.status_code in (302, 303), answer.text[:500]
    return browser


def cookie_header(browser: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


def test_the_session_cookie_identifies_the_socket(server, unique):
    name = unique("web")
    browser = signed_in_browser(server, name)
    socket = ChatClient(server.url, headers={"Cookie": cookie_header(browser)})
    try:
        session = socket.wait_for("user:session")  # identified at the handshake, no user:login
        assert session["username"] == name
        assert socket.call("room:join", {"roomId": 1})["ok"]
    finally:
        socket.close()


def test_without_the_cookie_the_socket_is_anonymous(server):
    socket = ChatClient(server.url)
    try:
        settle()
        assert socket.received("user:session") == []
        assert socket.call("room:join", {"roomId": 1})["error"]["code"] == "not_logged_in"
    finally:
        socket.close()


def test_after_logout_the_old_cookie_no_longer_identifies_a_socket(server, unique):
    browser = signed_in_browser(server, unique("web"))
    stale = cookie_header(browser)
    page = browser.get(server.url + "/profile")
    token = re.search(r'name="logout-csrf_token"[^>]*value="([^"]+)"', page.text) or \
        TOKEN.search(page.text)
    browser.post(server.url + "/logout", data={"logout-csrf_token": token.group(1),
                                              "csrf_token": token.group(1)})
    socket = ChatClient(server.url, headers={"Cookie": stale})
    try:
        settle()
        assert socket.received("user:session") == []
        assert socket.call("room:join", {"roomId": 1})["error"]["code"] == "not_logged_in"
    finally:
        socket.close()
