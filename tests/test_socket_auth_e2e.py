"""Signing in over Socket.IO end to end, against real server processes: account tokens over
``user:login`` and the handshake, expired and tampered tokens, guest names that collide with
accounts, a server that allows no guests, and logging out everywhere (Origin checks:
test_socket_origins_e2e.py)."""
from __future__ import annotations

import time

import pytest

from tests.conftest import server_env
from tests.e2e_support import assert_refused, join, send
from tests.event_support import api, register_account
from tests.helpers import ChatClient, ServerProcess


def start_server(tmp_path_factory, **env: str) -> ServerProcess:
    proc = ServerProcess(server_env(tmp_path_factory.mktemp("auth-server"), **env))
    proc.migrate()
    return proc.start()


@pytest.fixture(scope="module")
def expiring_server(tmp_path_factory):
    """Account tokens live three seconds here (one was too short: a token's expiry has
    whole-second precision, so it could lapse before the test's first use of it)."""
    proc = start_server(tmp_path_factory, TOKEN_MAX_AGE="3")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def guestless_server(tmp_path_factory):
    proc = start_server(tmp_path_factory, ALLOW_GUESTS="0")
    yield proc
    proc.stop()


def account(server, name: str) -> tuple[str, int]:
    """A new account called ``name`` on ``server``: its bearer token and user id."""
    token = register_account(server, name)
    me = api(server, "GET", "/api/users/me", token)
    assert me.status_code == 200, me.text
    return token, me.json()["userId"]


def tamper(token: str) -> str:
    """The same token with one character of its signature changed."""
    i = len(token) - 5
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]


def assert_anonymous(client: ChatClient) -> None:
    assert_refused(client, "room:join", {"roomId": 1}, code="not_logged_in")


def wait_disconnected(client: ChatClient, timeout: float = 5) -> None:
    deadline = time.time() + timeout
    while client.sio.connected and time.time() < deadline:
        time.sleep(0.05)
    assert not client.sio.connected, "the socket is still connected"


# --- account tokens --------------------------------------------------------------------------

def test_an_account_token_logs_in_over_user_login(server, connect, unique):
    name = unique("acct")
    token, user_id = account(server, name)
    client = connect()
    ack = client.call("user:login", {"userId": 999999, "username": "someone-else",
                                     "avatar": None, "token": token})
    assert ack["ok"] is True, ack
    assert ack["user"] == {"userId": user_id, "username": name, "avatar": None,
                           "displayName": None, "isGuest": False}
    assert client.wait_for("user:session")["userId"] == user_id
    me = api(server, "GET", "/api/users/me", ack["token"])  # the token the login handed out
    assert me.status_code == 200 and me.json()["isGuest"] is False, me.text
    assert me.json()["userId"] == user_id
    client.user, client.token = ack["user"], ack["token"]
    join(client, 1)
    assert send(client, 1, "signed in")["userId"] == user_id


def test_an_account_token_in_the_handshake_identifies_the_socket(server, connect, unique):
    name = unique("hand")
    token, user_id = account(server, name)
    client = connect(auth={"token": token})
    session = client.wait_for("user:session")
    assert (session["userId"], session["username"]) == (user_id, name)
    assert isinstance(client.wait_for("rooms:list"), list)
    ack = client.call("room:join", {"roomId": 2})  # no user:login
    assert ack["ok"] is True, ack
    message = client.call("room:message", {"roomId": 2, "message": "from the handshake"})
    assert message["ok"] is True and message["message"]["userId"] == user_id, message
    assert client.received("auth:error") == []


@pytest.mark.parametrize("how", ["user:login", "handshake"])
def test_an_expired_account_token_is_refused(expiring_server, connect, unique, how):
    token, _ = account(expiring_server, unique("old"))
    time.sleep(4.2)
    if how == "handshake":
        client = connect(expiring_server.url, auth={"token": token})
    else:
        client = connect(expiring_server.url)
        ack = client.call("user:login", {"userId": 1, "username": "x", "token": token})
        assert ack["ok"] is False and ack["error"]["code"] == "auth_failed", ack
        assert "user" not in ack and "token" not in ack
    assert "expired" in client.wait_for("auth:error")["message"]
    assert client.received("user:session") == []
    assert_anonymous(client)
    assert api(expiring_server, "GET", "/api/users/me", token).status_code == 401


@pytest.mark.parametrize("how", ["user:login", "handshake"])
def test_a_tampered_account_token_is_refused(server, connect, unique, how):
    token, user_id = account(server, unique("tam"))
    forged = tamper(token)
    if how == "handshake":
        client = connect(auth={"token": forged})
    else:
        client = connect()
        ack = client.call("user:login", {"userId": user_id, "username": "x", "token": forged})
        assert ack["ok"] is False and ack["error"]["code"] == "auth_failed", ack
    assert isinstance(client.wait_for("auth:error")["message"], str)
    assert client.received("user:session") == []
    assert_anonymous(client)
    assert connect(auth={"token": token}).wait_for("user:session")["userId"] == user_id


# --- guest names -----------------------------------------------------------------------------

@pytest.mark.parametrize("case", [str, str.upper, str.title])
def test_a_guest_never_gets_an_accounts_name_in_any_case(server, connect, unique, case):
    name = unique("quinn")
    _, user_id = account(server, name)  # the account is offline: its name is still its own
    wanted = case(name)
    guest = connect()
    ack = guest.login(wanted)
    assert ack["user"]["userId"] != user_id
    assert ack["user"]["username"] != wanted and ack["user"]["username"].startswith(wanted)
    assert ack["user"]["username"].lower() != name.lower()
    me = api(server, "GET", "/api/users/me", ack["token"]).json()
    assert (me["userId"], me["isGuest"]) == (ack["user"]["userId"], True)


@pytest.mark.parametrize("name", ["admin", "Admin", " ADMIN "])
def test_a_reserved_name_is_refused_to_guests(connect, name):
    client = connect()
    assert_refused(client, "user:login", {"userId": 1, "username": name, "avatar": None},
                   code="invalid")
    assert client.received("user:session") == []
    assert_anonymous(client)


# --- a server without guests -----------------------------------------------------------------

def test_without_guests_user_login_needs_a_token(guestless_server, connect):
    client = connect(guestless_server.url)
    ack = client.call("user:login", {"userId": 1, "username": "drifter", "avatar": None})
    assert ack["ok"] is False and ack["error"]["code"] == "auth_failed", ack
    assert "guests" in client.wait_for("auth:error")["message"]
    assert_anonymous(client)


def test_without_guests_an_anonymous_join_event_gets_auth_error(guestless_server, connect):
    client = connect(guestless_server.url)
    ack = client.call("joinEvent", {"username": "drifter", "eventId": "open-day"})
    assert ack["ok"] is False and ack["error"]["code"] == "auth_failed", ack
    assert client.received("eventHistory") == [] and client.received("user:session") == []
    assert_anonymous(client)
    assert isinstance(client.wait_for("auth:error")["message"], str)


def test_without_guests_an_account_token_still_works(guestless_server, connect, unique):
    name = unique("member")
    token, user_id = account(guestless_server, name)
    by_login = connect(guestless_server.url)
    ack = by_login.call("user:login", {"userId": 1, "username": "x", "token": token})
    assert ack["ok"] is True and ack["user"]["userId"] == user_id, ack
    by_handshake = connect(guestless_server.url, auth={"token": token})
    assert by_handshake.wait_for("user:session")["userId"] == user_id
    joined = by_handshake.call("joinEvent", {"username": "ignored", "eventId": unique("ev")})
    assert joined["ok"] is True and joined["user"] == name, joined
    assert by_login.call("room:join", {"roomId": 1})["ok"] is True


# --- logging out -----------------------------------------------------------------------------

def test_logout_closes_every_socket_of_the_user_and_revokes_the_token(server, connect, unique):
    token, user_id = account(server, unique("leaver"))
    by_handshake = connect(auth={"token": token})
    by_handshake.wait_for("user:session")
    by_login = connect()
    ack = by_login.call("user:login", {"userId": user_id, "username": "x", "token": token})
    assert ack["ok"] is True, ack
    bystander_token, _ = account(server, unique("stayer"))
    bystander = connect(auth={"token": bystander_token})
    bystander.wait_for("user:session")

    response = api(server, "POST", "/api/auth/logout", token)
    assert response.status_code == 204, response.text
    wait_disconnected(by_handshake)
    wait_disconnected(by_login)
    assert bystander.sio.connected
    assert bystander.call("room:join", {"roomId": 1})["ok"] is True

    for old in (token, ack["token"]):  # the one signed in with, and the one login handed out
        assert api(server, "GET", "/api/users/me", old).status_code == 401
        again = connect(auth={"token": old})
        assert "revoked" in again.wait_for("auth:error")["message"]
        assert_anonymous(again)
        late = connect()
        refused = late.call("user:login", {"userId": user_id, "username": "x", "token": old})
        assert refused["ok"] is False and refused["error"]["code"] == "auth_failed", refused
