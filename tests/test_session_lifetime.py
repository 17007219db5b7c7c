"""A browser session lasts as long as its user's tokens: 30 days for a guest
(GUEST_TOKEN_MAX_AGE), 7 for an account (TOKEN_MAX_AGE), counted from the last visit."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import itsdangerous.timed
import pytest

from tests.page_support import login, logout, post_form, register, set_cookies, signed_in_as

DAY = 24 * 3600


def cookie_days(response) -> float:
    """How many days from now the session cookie a response sets expires."""
    cookie = next(c for c in set_cookies(response) if c.startswith("session="))
    expires = next(part.split("=", 1)[1] for part in cookie.split("; ")
                   if part.lower().startswith("expires="))
    return (parsedate_to_datetime(expires) - datetime.now(timezone.utc)).total_seconds() / DAY


def sign_in_as_guest(client, name: str = "visitor"):
    response = post_form(client, "/guest", {"guest-username": name}, prefix="guest")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_a_guests_cookie_lasts_30_days_and_an_accounts_7(client):
    assert cookie_days(sign_in_as_guest(client)) == pytest.approx(30, abs=0.01)
    # Every visit renews it for as long again.
    assert cookie_days(client.get("/")) == pytest.approx(30, abs=0.01)
    client.delete_cookie("session")
    assert cookie_days(register(client, "alice")) == pytest.approx(7, abs=0.01)
    assert cookie_days(client.get("/")) == pytest.approx(7, abs=0.01)


def days_later(client, monkeypatch, days: float) -> str | None:
    """Who the browser is signed in as when it comes back ``days`` later (itsdangerous, which
    checks the cookie's age, reads the clock as ``time.time()``: that is what moves)."""
    with monkeypatch.context() as patch:
        fake = type("FakeTime", (), {"time": staticmethod(lambda: time.time() + days * DAY)})
        patch.setattr(itsdangerous.timed, "time", fake)
        return signed_in_as(client.get("/").get_data(as_text=True))


def test_a_guest_is_still_signed_in_after_20_days_not_after_31(client, monkeypatch):
    sign_in_as_guest(client, "loyal")
    assert days_later(client, monkeypatch, 20) == "loyal"
    client.delete_cookie("session")
    sign_in_as_guest(client, "gone")
    assert days_later(client, monkeypatch, 31) is None


def test_an_account_is_signed_in_after_6_days_not_after_8(client, monkeypatch):
    register(client, "bob")
    assert days_later(client, monkeypatch, 6) == "bob"
    logout(client)
    login(client, "bob")
    assert days_later(client, monkeypatch, 8) is None
