"""Shared helpers for the live-event tests (PROTOCOL.md section B): sockets, REST and shapes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import requests

from tests.helpers import ChatClient

PASSWORD = "correct horse battery"

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def assert_timestamp(value) -> datetime:
    """ISO 8601 in UTC ending in Z, close to now (client and server share a clock)."""
    assert isinstance(value, str) and ISO_Z.match(value), f"not an ISO 8601 'Z' time: {value!r}"
    moment = datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)
    assert abs(datetime.now(timezone.utc) - moment) < timedelta(minutes=5), value
    return moment


def iso_in(minutes: float) -> str:
    """A moment ``minutes`` from now as ISO 8601 with a Z."""
    moment = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


CLOCK = re.compile(r"^(1[0-2]|[1-9]):[0-5][0-9] (am|pm)$")


def assert_event_times(payload: dict) -> datetime:
    """The live-event protocol's times: ``timestamp`` the old display string (``3:07 pm``, in
    the server's EVENT_TIME_ZONE: UTC in these tests) of the moment ``isoTimestamp`` names."""
    moment = assert_timestamp(payload["isoTimestamp"])
    assert CLOCK.match(payload["timestamp"]), payload
    assert payload["timestamp"] == f"{moment.hour % 12 or 12}:{moment.minute:02d} " \
        f"{'am' if moment.hour < 12 else 'pm'}", payload
    return moment


def assert_event_message(message: dict, *, text: str, username: str) -> None:
    """A live-event message: ``{id, text, username, timestamp}`` as the old server sent it (a
    string id, a display time), plus userId and isoTimestamp."""
    assert set(message) >= {"id", "text", "username", "userId", "timestamp", "isoTimestamp"}, message
    assert isinstance(message["id"], str) and message["id"].isdigit(), message
    assert isinstance(message["userId"], str) and message["userId"], message  # as the wire has it
    assert (message["text"], message["username"]) == (text, username), message
    assert_event_times(message)


def logged_in(connect, name: str) -> ChatClient:
    """A socket logged in (``user:login``) as a new guest; ``client.token`` works for REST."""
    client = connect()
    client.login(name)
    return client


def second_tab(connect, first: ChatClient) -> ChatClient:
    """Another socket of the same user, resumed with ``user:login {token}``."""
    tab = connect()
    ack = tab.call("user:login", {"token": first.token})
    assert ack["ok"] and ack["user"]["userId"] == first.user["userId"], ack
    tab.user, tab.token = ack["user"], ack["token"]
    return tab


def join_event(client: ChatClient, event_id: str, username: str | None = None) -> dict:
    """``joinEvent`` (as a guest named ``username`` if not logged in); waits for the history."""
    seen = len(client.received("eventHistory"))
    name = username or (client.user or {}).get("username") or "guest"
    ack = client.call("joinEvent", {"username": name, "eventId": event_id})
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    assert ack["eventId"] == event_id, ack
    if client.user is None:  # a guest made by joinEvent learns its token from user:session
        session = client.wait_for("user:session")
        client.user = {k: session[k] for k in ("userId", "username", "avatar")}
        client.token = session["token"]
    client.wait_for("eventHistory", count=seen + 1)
    return ack


def say(client: ChatClient, text: str) -> dict:
    ack = client.call("sendMessage", text)
    assert isinstance(ack, dict) and ack.get("ok") is True, ack
    return ack["message"]


_NO_PAYLOAD = object()


def assert_refused(client: ChatClient, event: str, payload=_NO_PAYLOAD, *, code: str) -> dict:
    """Refused twice over: ack ``{ok: false, error: {code, message}}`` and an ``error``
    ``{event, code, message}`` to this socket."""
    matches = lambda d: isinstance(d, dict) and d.get("event") == event  # noqa: E731
    seen = len(client.received("error", matches))
    ack = client.call(event) if payload is _NO_PAYLOAD else client.call(event, payload)
    assert isinstance(ack, dict) and ack.get("ok") is False, f"{event} {payload!r} -> {ack!r}"
    error = ack["error"]
    assert error["code"] == code, f"{event} {str(payload)[:60]!r} -> {error!r}, wanted {code}"
    assert isinstance(error["message"], str) and error["message"], error
    emitted = client.wait_for("error", matches, count=seen + 1)
    assert (emitted["code"], emitted["message"]) == (error["code"], error["message"]), emitted
    return error


def api(server, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def register_account(server, username: str, password: str = PASSWORD) -> str:
    """An account on ``server`` (only accounts may create events); returns its bearer token.

    There is no REST registration: the account is written straight into the server's database
    (``server.env["DATABASE_URL"]``) by an app built here, then logged in for real with
    ``POST /api/auth/token``."""
    from chatapp import create_app
    from chatapp.actions.accounts import do_register
    from chatapp.config import normalise_database_url
    from chatapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(server.env["DATABASE_URL"]),
                      "SECRET_KEY": server.env["SECRET_KEY"], "REDIS_URL": None})
    with app.app_context():
        try:
            do_register(username, password)
        finally:
            db.session.remove()
            db.engine.dispose()
    response = api(server, "POST", "/api/auth/token",
                   json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["user"]["username"], body["user"]["isGuest"]) == (username, False), body
    return body["token"]


def create_event(server, token: str, **fields) -> dict:
    response = api(server, "POST", "/api/events", token, json=fields)
    assert response.status_code == 201, response.text
    return response.json()


def patch_event(server, token: str, event_id: str, **fields) -> dict:
    response = api(server, "PATCH", f"/api/events/{event_id}", token, json=fields)
    assert response.status_code == 200, response.text
    return response.json()


def active_ids(client: ChatClient) -> list[str]:
    """Ids in the ``getActiveEvents`` acknowledgement."""
    return [e["id"] for e in client.call("getActiveEvents")]


def listed_ids(server, **params) -> list[str]:
    response = api(server, "GET", "/api/events", params=params)
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()]
