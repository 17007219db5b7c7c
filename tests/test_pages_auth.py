"""Account pages: registering, signing in and out, the session cookie, profile and password."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from chatapp.actions.accounts import account_named
from chatapp.errors import AuthFailed
from chatapp.extensions import db
from chatapp.models import User
from chatapp.security.identity import issue_token, user_from_token
from tests.page_support import (
    PASSWORD,
    field_error,
    form_token,
    login,
    logout,
    post_form,
    register,
    session_cookie,
    set_cookies,
    signed_in_as,
)


def accounts(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User.username).where(User.is_guest.is_(False))))


def account(app, name: str) -> User:
    with app.app_context():
        user = account_named(name)
        db.session.expunge(user)
        return user


@pytest.fixture
def alice(client):
    register(client, "alice", display_name="Alice A.")
    logout(client)
    return "alice"


# --- registering ---------------------------------------------------------------------------

def test_register_creates_the_account_and_signs_in(app, client):
    response = register(client, "alice", display_name="Alice A.")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert session_cookie(client)
    page = client.get("/").get_data(as_text=True)
    assert signed_in_as(page) == "Alice A."
    assert "Welcome, Alice A.!" in page
    assert accounts(app) == ["alice"]
    assert account(app, "alice").password_hash.startswith("$argon2")


@pytest.mark.parametrize("username, password, field, message", [
    ("a!", PASSWORD, "username", "3-32 letters"),
    ("admin", PASSWORD, "username", "Is reserved"),
    ("Root", PASSWORD, "username", "Is reserved"),
    ("bob", "short", "password", "At least 10 characters"),
    ("bob", "aaaaaaaaaaaa", "password", "Too easy to guess"),
    ("bob", "", "password", "This field is required."),
])
def test_register_refusals_are_shown_next_to_the_field(app, client, username, password, field,
                                                       message):
    response = register(client, username, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(html, field)
    assert signed_in_as(html) is None
    assert accounts(app) == []


def test_register_refuses_a_taken_name_in_any_case(app, client, alice):
    response = register(client, "ALICE")
    assert response.status_code == 409
    assert field_error(response.get_data(as_text=True), "username") == "Is taken"
    assert accounts(app) == ["alice"]


def test_register_refuses_differing_passwords(app, client):
    response = register(client, "bob", confirm=PASSWORD + "x")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "confirm") == "The passwords differ."
    assert accounts(app) == []


# --- signing in ----------------------------------------------------------------------------

def test_login_signs_in_and_goes_to_a_safe_next(client, alice):
    response = login(client, "Alice", next="/rooms/1")
    assert response.status_code == 302 and response.headers["Location"] == "/rooms/1"
    assert signed_in_as(client.get("/").get_data(as_text=True)) == "Alice A."


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "/\t/evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, alice, target):
    response = login(client, "alice", next=target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_login_form_carries_next_from_the_query(client):
    html = client.get("/login?next=/profile").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/profile"' in html
    html = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert "evil.example" not in html


def test_wrong_password_is_an_error_next_to_the_password(client, alice):
    response = login(client, "alice", "wrong password!")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_error(html, "password") == "Wrong username or password."
    assert signed_in_as(html) is None
    assert login(client, "nobody").status_code == 400


def test_repeated_failures_are_rate_limited_with_the_retry_time(app, client, alice):
    app.config["RATE_LIMIT_LOGIN_FAILURES"] = "2/minute"
    for _ in range(2):
        assert login(client, "alice", "wrong password!").status_code == 400
    response = login(client, "alice", "wrong password!")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins; try again in" in field_error(
        response.get_data(as_text=True), "password")


def test_login_renews_the_session(client, alice):
    form_token(client, "/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone who knew the cookie"
    before = session_cookie(client)
    login(client, "alice")
    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "csrf_token" not in session  # the pre-login CSRF token is gone too
        assert session["user_id"] and session["token_version"]


def test_pages_need_a_session_of_the_current_token_version(app, client, alice):
    login(client, "alice")
    with client.session_transaction() as session:
        session["token_version"] += 1
    assert signed_in_as(client.get("/").get_data(as_text=True)) is None


# --- the session cookie ----------------------------------------------------------------------

def test_session_cookie_is_httponly_and_samesite_lax(client, alice):
    response = login(client, "alice")
    cookie = next(c for c in set_cookies(response) if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain http


def test_session_cookie_is_secure_in_production(app, monkeypatch):
    from chatapp import create_app

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-secret")
    production = create_app({"TESTING": True, "REDIS_URL": None,
                             "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    response = production.test_client().get("/login")  # stores the form's CSRF token
    cookie = next(c for c in set_cookies(response) if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- signing out ---------------------------------------------------------------------------

def test_logout_clears_the_session_and_revokes_the_old_cookie(app, client, alice):
    login(client, "alice")
    stolen = session_cookie(client)
    response = logout(client)
    assert response.status_code == 302
    assert signed_in_as(client.get("/").get_data(as_text=True)) is None
    client.set_cookie("session", stolen)
    assert signed_in_as(client.get("/").get_data(as_text=True)) is None
    assert client.get("/profile").status_code == 302


def test_logout_revokes_tokens_and_closes_sockets(app, client, alice, monkeypatch):
    from chatapp.actions import accounts

    closed = []
    monkeypatch.setattr(accounts, "disconnect_user_sockets", closed.append)
    login(client, "alice")
    with app.app_context():
        token = issue_token(account_named("alice"))
    logout(client)
    assert closed == [account(app, "alice").id]
    with app.app_context(), pytest.raises(AuthFailed):
        user_from_token(token)


def test_logout_by_get_is_not_allowed(client, alice):
    login(client, "alice")
    assert client.get("/logout").status_code == 405
    assert signed_in_as(client.get("/").get_data(as_text=True)) == "Alice A."


# --- profile and password --------------------------------------------------------------------

def test_profile_needs_a_signed_in_user(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/profile"


def test_profile_update(app, client, alice):
    login(client, "alice")
    response = post_form(client, "/profile", {
        "profile-display_name": "Alice B.", "profile-avatar": "https://img.example/a.png",
        "profile-status": "studying"}, prefix="profile")
    assert response.status_code == 302
    html = client.get("/profile").get_data(as_text=True)
    assert "Profile saved." in html and signed_in_as(html) == "Alice B."
    assert 'src="https://img.example/a.png"' in html
    user = account(app, "alice")
    assert (user.display_name, user.avatar, user.status) == (
        "Alice B.", "https://img.example/a.png", "studying")


def test_profile_refuses_an_unsafe_avatar_and_changes_nothing(app, client, alice):
    login(client, "alice")
    response = post_form(client, "/profile", {
        "profile-display_name": "Changed", "profile-avatar": "javascript:alert(1)"},
        prefix="profile")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "profile-avatar") == \
        "Must be an http(s) URL"
    user = account(app, "alice")
    assert (user.display_name, user.avatar) == ("Alice A.", None)


def test_password_change_revokes_old_tokens_and_keeps_this_browser_in(app, client, alice):
    login(client, "alice")
    old_cookie = session_cookie(client)
    with app.app_context():
        token = issue_token(account_named("alice"))
    new = "a brand new passphrase"
    response = post_form(client, "/profile/password", {
        "pw-current_password": PASSWORD, "pw-password": new, "pw-confirm": new},
        token_from="/profile", prefix="pw")
    assert response.status_code == 302
    assert signed_in_as(client.get("/profile").get_data(as_text=True)) == "Alice A."
    with app.app_context(), pytest.raises(AuthFailed):
        user_from_token(token)
    other = app.test_client()
    other.set_cookie("session", old_cookie)
    assert signed_in_as(other.get("/").get_data(as_text=True)) is None
    logout(client)
    assert login(client, "alice", PASSWORD).status_code == 400
    assert login(client, "alice", new).status_code == 302


def test_password_change_with_a_wrong_current_password(app, client, alice):
    login(client, "alice")
    before = account(app, "alice").password_hash
    response = post_form(client, "/profile/password", {
        "pw-current_password": "not my password", "pw-password": "another passphrase",
        "pw-confirm": "another passphrase"}, token_from="/profile",
        prefix="pw")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "pw-current_password") == \
        "The current password is wrong"
    assert account(app, "alice").password_hash == before
