"""Hostile input over REST (issue 11, item 4): every refusal is a clear 4xx error, never a 500,
and nothing is stored."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from chatapp.extensions import db
from chatapp.models import Event, User
from tests.api_events_support import account, ctx, error_of  # noqa: F401

SURROGATE = "a\ud800b"
INVISIBLE = ["zero\u200bwidth", "\ufeffbom", "evil\u202eexe.txt", "iso\u2066late"]


def raw_json(client, method: str, path: str, text: str, headers: dict):
    """Send ``text`` as the body (``json=`` would refuse to encode a lone surrogate)."""
    return client.open(path, method=method, data=text.encode("utf-8"), headers={
        **headers, "Content-Type": "application/json"})


def events_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event))


@pytest.mark.parametrize("field", ["name", "description", "id"])
def test_lone_surrogate_in_an_event_is_invalid(client, ctx, field):  # noqa: F811
    _, headers = account("host")
    body = {"name": "Launch", field: SURROGATE}
    response = raw_json(client, "POST", "/api/events", json.dumps(body), headers)
    error = error_of(response, 400, "invalid")
    assert "Unicode" in error["message"]
    assert events_count() == 0


@pytest.mark.parametrize("field", ["displayName", "status", "avatar"])
def test_lone_surrogate_in_a_profile_is_invalid(client, ctx, field):  # noqa: F811
    actor, headers = account("ana")
    response = raw_json(client, "PATCH", "/api/users/me", json.dumps({field: SURROGATE}),
                        headers)
    error_of(response, 400, "invalid")
    user = db.session.get(User, actor.user_id)
    assert (user.display_name, user.status) == (None, None) or SURROGATE not in (
        user.display_name or "") + (user.status or "")


def test_lone_surrogate_in_legacy_register_and_token_requests_is_invalid(client, ctx):  # noqa: F811
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = raw_json(client, "POST", "/api/auth/register", json.dumps(
        {"name": SURROGATE, "email": "a@example.com", "password": "correct horse battery"}), {})
    assert response.status_code == 400 and response.get_json()["success"] is False
    response = raw_json(client, "POST", "/api/auth/token", json.dumps(
        {"username": SURROGATE, "password": "x"}), {})
    error_of(response, 400, "invalid")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


@pytest.mark.parametrize("name", INVISIBLE)
def test_invisible_and_bidi_characters_in_an_event_name_are_invalid(client, ctx, name):  # noqa: F811
    _, headers = account("host")
    response = client.post("/api/events", json={"name": name}, headers=headers)
    assert error_of(response, 400, "invalid")["fields"]["name"]
    assert events_count() == 0


def test_invisible_characters_in_a_display_name_are_invalid(client, ctx):  # noqa: F811
    actor, headers = account("ana")
    response = client.patch("/api/users/me", json={"displayName": "ana\u200b"}, headers=headers)
    error_of(response, 400, "invalid")
    assert db.session.get(User, actor.user_id).display_name is None


@pytest.mark.parametrize("moment", [
    "0001-01-01T00:30:00+01:00",   # overflowed when converted to UTC
    "9999-12-31T23:30:00-01:00",   # likewise at the other end
    "0811-07-01T00:00:00Z",        # came back as "811-07-01T..." and broke the event list
    "1999-12-31T23:59:59Z",
    "3000-01-01T00:00:00Z",
])
def test_dates_out_of_range_are_invalid(client, ctx, moment):  # noqa: F811
    _, headers = account("host")
    response = client.post("/api/events", json={"name": "Launch", "startsAt": moment},
                           headers=headers)
    assert "2000" in error_of(response, 400, "invalid")["fields"]["startsAt"]
    assert events_count() == 0
    listing = client.get("/api/events?status=all")
    assert listing.status_code == 200, listing.get_data(True)


def test_dates_in_range_are_kept(client, ctx):  # noqa: F811
    _, headers = account("host")
    response = client.post("/api/events", json={
        "name": "Launch", "startsAt": "2000-01-01T00:00:00Z",
        "endsAt": "2999-12-31T23:00:00+00:00"}, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["startsAt"].startswith("2000-01-01T00:00:00")


@pytest.mark.parametrize("event_id", ["launch\n", "launch\r\n", "\nlaunch", "la unch"])
def test_event_ids_must_match_their_pattern_exactly(client, ctx, event_id):  # noqa: F811
    _, headers = account("host")
    response = client.post("/api/events", json={"id": event_id, "name": "Launch"},
                           headers=headers)
    assert error_of(response, 400, "invalid")["fields"]["id"]
    assert events_count() == 0


def test_json_nested_100000_deep_is_invalid_not_a_crash(client, ctx):  # noqa: F811
    _, headers = account("host")
    deep = "[" * 100_000 + "]" * 100_000
    error = error_of(raw_json(client, "POST", "/api/events", deep, headers), 400, "invalid")
    assert "deep" in error["message"]
    moderately = '{"name": ' + "[" * 40 + "]" * 40 + "}"
    error = error_of(raw_json(client, "POST", "/api/events", moderately, headers), 400,
                     "invalid")
    assert "nested" in error["message"]
    assert events_count() == 0


def test_a_20_mb_body_is_refused_before_it_is_read(client, ctx):  # noqa: F811
    _, headers = account("host")
    huge = json.dumps({"name": "x" * (20 * 1024 * 1024)})
    response = raw_json(client, "POST", "/api/events", huge, headers)
    error_of(response, 413, "too_large")
    response = raw_json(client, "POST", "/api/auth/register", huge, {})
    assert response.status_code == 413
    assert events_count() == 0


def test_the_body_cap_is_a_setting(app, client, ctx):  # noqa: F811
    _, headers = account("host")
    app.config["MAX_CONTENT_LENGTH"] = 64
    response = client.post("/api/events", json={"name": "a fine name, but too long a body " * 3},
                           headers=headers)
    error_of(response, 413, "too_large")
    assert events_count() == 0


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/rooms/2147483648"),
    ("PATCH", "/api/rooms/2147483648/messages/1"),
    ("PATCH", "/api/rooms/1/messages/549755813887"),
    ("POST", "/api/rooms/2147483648/read"),
])
def test_an_id_past_the_columns_range_is_not_found(client, ctx, method, path):  # noqa: F811
    """Ids are 32-bit columns: a larger one matches no route (PostgreSQL once answered 500,
    'integer out of range', where SQLite simply found nothing): 404, or 405 where the path
    also matches the API's catch-all for other methods."""
    _, headers = account("reader")
    response = client.open(path, method=method, headers=headers, json={"message": "x"})
    assert response.status_code in (404, 405), response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] in ("not_found", "method_not_allowed")
