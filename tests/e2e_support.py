"""Shared helpers for the end-to-end socket tests (real server process, real Socket.IO clients)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import requests

from tests.helpers import ChatClient

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")

DEFAULT_ROOMS = [
    (1, "CS Study Group", "academic"),
    (2, "Math Help", "academic"),
    (3, "Campus Events", "campus"),
    (4, "Gaming Club", "interests"),
    (5, "Photography", "interests"),
]

# Events whose arrival at a bystander would mean a refused request had an effect anyway.
EFFECT_EVENTS = ("room:message:new", "room:user:joined", "room:history", "rooms:new",
                 "room:joined", "user:typing", "user:typing:private", "message:private",
                 "message:private:sent", "user:status:update")


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_user_id(value) -> bool:
    """User ids on the wire are non-empty strings, as the old servers' were (their clients
    compare them with ``===``)."""
    return isinstance(value, str) and bool(value)


def assert_timestamp(value) -> datetime:
    """ISO 8601 in UTC ending in Z, and close to now (the server's clock is ours)."""
    assert isinstance(value, str) and ISO_Z.match(value), f"not an ISO 8601 UTC 'Z' time: {value!r}"
    moment = datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)
    assert abs(datetime.now(timezone.utc) - moment) < timedelta(minutes=5), value
    return moment


def assert_user(user: dict, client: ChatClient) -> None:
    fields = ("userId", "username", "avatar", "displayName", "isGuest")
    assert user == {name: client.user[name] for name in fields}


def assert_room_message(message: dict, *, author: ChatClient, content: str) -> None:
    assert set(message) >= {"id", "sender", "userId", "avatar", "content", "timestamp"}, message
    assert is_int(message["id"]) and message["id"] > 0
    assert message["sender"] == author.user["username"]
    assert message["userId"] == author.user["userId"] and is_user_id(message["userId"])
    assert message["avatar"] == author.user["avatar"]
    assert message["content"] == content
    assert_timestamp(message["timestamp"])


def uid(client: ChatClient) -> str:
    return client.user["userId"]


def login(connect, name: str, **extra) -> ChatClient:
    """A new socket logged in as a new guest called ``name``."""
    client = connect()
    client.login(name, **extra)
    return client


def second_tab(connect, first: ChatClient) -> ChatClient:
    """Another socket of the same user, resumed with the first socket's token."""
    tab = connect()
    ack = tab.call("user:login", {"userId": uid(first), "username": first.user["username"],
                                  "avatar": first.user["avatar"], "token": first.token})
    assert ack["ok"], ack
    assert ack["user"]["userId"] == uid(first), ack
    tab.user, tab.token = ack["user"], ack["token"]
    return tab


def new_room(client: ChatClient, unique, **fields) -> int:
    """A fresh community room created by ``client`` (who is then in it): counts are ours alone."""
    payload = {"name": unique("room"), "description": "e2e", "category": "testing", **fields}
    ack = client.call("room:create", payload)
    assert ack["ok"], ack
    assert is_int(ack["roomId"])
    return ack["roomId"]


def join(client: ChatClient, room_id: int) -> dict:
    ack = client.call("room:join", {"roomId": room_id})
    assert ack["ok"], ack
    return ack


def join_seen(client: ChatClient, room_id: int, watcher: ChatClient, users_count: int) -> None:
    """Join, then wait until ``watcher`` saw the join's ``rooms:update`` (so it can be cleared)."""
    join(client, room_id)
    watcher.wait_for("rooms:update",
                     lambda d: d["id"] == room_id and d["usersCount"] == users_count)


def send(client: ChatClient, room_id: int, text: str) -> dict:
    ack = client.call("room:message", {"roomId": room_id, "message": text})
    assert ack["ok"], ack
    return ack["message"]


_NO_PAYLOAD = object()


def assert_refused(client: ChatClient, event: str, payload=_NO_PAYLOAD, *, code) -> dict:
    """The request is refused twice over: the ack ``{ok: false, error: {code, message}}`` and an
    ``error`` ``{event, code, message}`` event to this socket. ``code`` may be a tuple of
    acceptable codes. Returns the error body."""
    codes = code if isinstance(code, tuple) else (code,)
    matches = lambda d: isinstance(d, dict) and d.get("event") == event  # noqa: E731
    seen = len(client.received("error", matches))
    ack = client.call(event) if payload is _NO_PAYLOAD else client.call(event, payload)
    assert isinstance(ack, dict) and ack.get("ok") is False, f"{event} {payload!r} -> {ack!r}"
    error = ack["error"]
    assert error["code"] in codes, f"{event} {payload!r} -> {error!r}, wanted {codes}"
    assert isinstance(error["message"], str) and error["message"], error
    emitted = client.wait_for("error", matches, count=seen + 1)
    assert emitted["code"] == error["code"] and emitted["message"] == error["message"], emitted
    return error


def effects(client: ChatClient, *, room_id: int | None = None) -> list:
    """Events at ``client`` that a refused request must not have caused (after ``settle``)."""
    got = [(name, data) for name, data in list(client.events) if name in EFFECT_EVENTS]
    if room_id is not None:
        got += [(name, data) for name, data in list(client.events)
                if name == "rooms:update" and data.get("id") == room_id]
    return got


def api_get(server, path: str, token: str | None = None, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(server.url + path, headers=headers, params=params, timeout=10)


def room_page(server, room_id: int, **params) -> dict:
    response = api_get(server, f"/api/rooms/{room_id}/messages", **params)
    assert response.status_code == 200, response.text
    return response.json()

