"""REST: rooms, room history, conversations, health, errors and CORS."""
from __future__ import annotations

import pytest

from chatapp import create_app
from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.actions.rooms import do_join_room
from chatapp.extensions import db
from tests.unit_support import GUEST_NAME, NOW_Z, bus, default_rooms, login, plain, wire  # noqa: F401


def error(code: str, message: str | None = None):
    """Matches ``{"error": {"code": code, "message": <str>}}`` (message checked when given)."""
    def check(body: dict) -> bool:
        return (set(body) == {"error"} and body["error"]["code"] == code
                and isinstance(body["error"]["message"], str)
                and (message is None or body["error"]["message"] == message))
    return check


def post_messages(bus, room_id: int, n: int) -> list[int]:
    ana = login(bus, "sid-a", "ana")
    return [do_send_message(ana.actor, RoomRef(room_id, "community"), f"m{i}")["id"]
            for i in range(n)]


def ids(body) -> list[int]:
    """Message ids of a page (a response or its parsed JSON body)."""
    if not isinstance(body, dict):
        body = body.get_json()
    return [m["id"] for m in body["messages"]]


# --- rooms -------------------------------------------------------------------------------

def test_rooms_lists_the_five_default_rooms(client):
    response = client.get("/api/rooms")
    assert response.status_code == 200
    assert response.get_json() == default_rooms()


def test_rooms_count_distinct_users_in_each_room(client, bus):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    login(bus, "sid-a2", token=ana.token)
    for sid, actor, room_id in [("sid-a", ana.actor, 1), ("sid-a2", ana.actor, 1),
                                ("sid-b", ben.actor, 1), ("sid-b", ben.actor, 4)]:
        do_join_room(sid, actor, room_id)
    assert client.get("/api/rooms").get_json() == default_rooms({1: 2, 4: 1})


# --- room messages -----------------------------------------------------------------------

def test_room_messages_newest_first_in_the_message_shape(client, bus):
    ana = login(bus, "sid-a", "ana", avatar="a.png")
    for text in ("first", "second"):
        do_send_message(ana.actor, RoomRef(2, "community"), text)
    do_send_message(ana.actor, RoomRef(1, "community"), "not in room 2")

    response = client.get("/api/rooms/2/messages")
    assert response.status_code == 200
    assert response.get_json() == {"messages": [
        {"id": 2, "sender": "ana", "userId": wire(ana), "avatar": "a.png", "content": "second",
         **GUEST_NAME, "timestamp": NOW_Z, **plain("second")},
        {"id": 1, "sender": "ana", "userId": wire(ana), "avatar": "a.png", "content": "first",
         **GUEST_NAME,
         "timestamp": NOW_Z, **plain("first")},
    ], "nextBefore": None, "nextAfter": None}


def test_empty_room_has_no_messages(client):
    assert client.get("/api/rooms/5/messages").get_json() == {"messages": [],
                                                               "nextBefore": None, "nextAfter": None}


def test_before_cursor_pages_back_to_the_start(client, bus):
    post_messages(bus, 1, 5)
    page = client.get("/api/rooms/1/messages?limit=2").get_json()
    assert (ids(page), page["nextBefore"]) == ([5, 4], 4)
    page = client.get("/api/rooms/1/messages?limit=2&before=4").get_json()
    assert (ids(page), page["nextBefore"]) == ([3, 2], 2)
    page = client.get("/api/rooms/1/messages?limit=2&before=2").get_json()
    assert (ids(page), page["nextBefore"]) == ([1], None)


def test_next_before_is_null_when_the_last_page_is_exactly_full(client, bus):
    post_messages(bus, 1, 4)
    page = client.get("/api/rooms/1/messages?limit=2&before=3").get_json()
    assert (ids(page), page["nextBefore"]) == ([2, 1], None)


def test_after_cursor_catches_up_oldest_first(client, bus):
    """What a client that saw message 2 missed, in the order it happened, page by page."""
    post_messages(bus, 1, 5)
    page = client.get("/api/rooms/1/messages?after=2&limit=2").get_json()
    assert (ids(page), page["nextAfter"], page["nextBefore"]) == ([3, 4], 4, None)
    page = client.get("/api/rooms/1/messages?after=4&limit=2").get_json()
    assert (ids(page), page["nextAfter"]) == ([5], None)
    assert ids(client.get("/api/rooms/1/messages?after=0").get_json()) == [1, 2, 3, 4, 5]
    assert client.get("/api/rooms/1/messages?after=5").get_json() == {
        "messages": [], "nextBefore": None, "nextAfter": None}


@pytest.mark.parametrize("query", ["after=-1", "after=x", "after=1&before=3"])
def test_a_bad_after_cursor_is_invalid(client, query):
    response = client.get(f"/api/rooms/1/messages?{query}")
    assert response.status_code == 400 and error("invalid")(response.get_json())


def test_limit_defaults_to_50_and_is_capped_at_page_limit_max(client, bus, app):
    app.config["RATE_LIMIT_MESSAGES_GUEST"] = "200/10second"  # one guest posts a burst of 120
    post_messages(bus, 1, 120)
    default = client.get("/api/rooms/1/messages").get_json()
    assert ids(default) == list(range(120, 70, -1)) and default["nextBefore"] == 71
    capped = client.get("/api/rooms/1/messages?limit=1000").get_json()
    assert ids(capped) == list(range(120, 20, -1)) and capped["nextBefore"] == 21
    app.config["PAGE_LIMIT_MAX"] = 10
    assert len(client.get("/api/rooms/1/messages?limit=50").get_json()["messages"]) == 10


@pytest.mark.parametrize("path", ["/api/rooms/99/messages", "/api/rooms/0/messages"])
def test_unknown_room_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert error("not_found")(response.get_json())


def test_unknown_room_message_names_the_room(client):
    assert error("not_found", "room 99 does not exist")(client.get("/api/rooms/99/messages")
                                                        .get_json())


@pytest.mark.parametrize("query", ["before=abc", "before=0", "before=-3", "before=1.5",
                                   "limit=0", "limit=-1", "limit=ten", "limit=2e3"])
def test_bad_before_or_limit_is_a_json_400(client, query):
    response = client.get(f"/api/rooms/1/messages?{query}")
    assert response.status_code == 400
    assert error("invalid")(response.get_json())


@pytest.mark.parametrize("query", ["before=%C2%B2", "before=99999999999999999999"])
def test_odd_numbers_are_a_400_not_a_500(client, query):
    assert client.get(f"/api/rooms/1/messages?{query}").status_code == 400


# --- conversations -----------------------------------------------------------------------

def test_conversation_needs_a_bearer_token(client, bus):
    login(bus, "sid-a", "ana")
    response = client.get("/api/conversations/1/messages")
    assert response.status_code == 401
    assert error("not_logged_in")(response.get_json())
    bad = client.get("/api/conversations/1/messages", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and error("auth_failed")(bad.get_json())


def test_conversation_holds_only_messages_between_the_two_users(client, bus):
    ana, ben = login(bus, "sid-a", "ana", avatar="a.png"), login(bus, "sid-b", "ben")
    cy = login(bus, "sid-c", "cy")
    a, b, c = (r.actor.user_id for r in (ana, ben, cy))
    do_send_private_message(ana.actor, b, "hi ben")
    do_send_private_message(cy.actor, b, "cy to ben")
    do_send_private_message(ben.actor, a, "hi ana")
    do_send_private_message(ana.actor, c, "ana to cy")
    do_send_message(ana.actor, RoomRef(1, "community"), "public")

    wa, wb = wire(ana), wire(ben)
    response = client.get(f"/api/conversations/{wa}/messages",
                          headers={"Authorization": f"Bearer {ben.token}"})
    assert response.status_code == 200
    assert response.get_json() == {"messages": [
        {"id": 3, "from": wb, "to": wa, "sender": "ben", "avatar": None, "content": "hi ana",
         **GUEST_NAME, "timestamp": NOW_Z, **plain("hi ana")},
        {"id": 1, "from": wa, "to": wb, "sender": "ana", "avatar": "a.png", "content": "hi ben",
         **GUEST_NAME,
         "timestamp": NOW_Z, **plain("hi ben")},
    ], "nextBefore": None, "nextAfter": None}
    mine = client.get(f"/api/conversations/{b}/messages",
                      headers={"Authorization": f"Bearer {ana.token}"})
    assert ids(mine) == [3, 1]


def test_conversation_with_an_unknown_user_is_a_404(client, bus):
    ana = login(bus, "sid-a", "ana")
    response = client.get("/api/conversations/99/messages",
                          headers={"Authorization": f"Bearer {ana.token}"})
    assert response.status_code == 404 and error("not_found")(response.get_json())


# --- health, unknown paths, CORS ---------------------------------------------------------

def test_health_ok(client):
    response = client.get("/api/health")
    assert (response.status_code, response.get_json()) == (200, {
        "status": "ok", "database": "ok", "redis": "not_configured"})


def test_health_503_when_the_database_is_unreachable(tmp_path):
    broken = create_app({"TESTING": True, "SECRET_KEY": "x",
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db"})
    response = broken.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable",
                                   "redis": "not_configured"}


def test_health_reports_redis_separately(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/api/health")
    assert (response.status_code, response.get_json()) == (503, {
        "status": "unavailable", "database": "ok", "redis": "unavailable"})


def test_health_503_when_a_query_fails(client, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise ConnectionError("database gone")
    monkeypatch.setattr(db.session, "execute", refuse)
    assert client.get("/api/health").status_code == 503


@pytest.mark.parametrize("path", ["/api/nope", "/api/rooms/1/nope", "/api/rooms/x/messages"])
def test_unknown_api_path_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.is_json
    assert error("not_found")(response.get_json())


def test_wrong_method_is_a_json_405(client):
    response = client.post("/api/rooms")
    assert response.status_code == 405 and error("method_not_allowed")(response.get_json())


def test_cors_allows_the_client_url_only(client):
    allowed = client.get("/api/rooms", headers={"Origin": "http://localhost:3000"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in allowed.vary  # Vary's comma-separated list (it may name Cookie too)
    refused = client.get("/api/rooms", headers={"Origin": "http://evil.example"})
    assert refused.status_code == 200
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Access-Control-Allow-Origin" not in client.get("/api/rooms").headers
