"""The OpenAPI document at /api/openapi.json: valid, complete, and true to real responses.

Every request below goes through the app's test client; its response is validated (status,
headers, content type and body) against what the document says for that operation and
status, with ``openapi-core``. The request is checked against the document too: requests the
server refuses with 400 or 401 must also be refused by the documented parameters, bodies and
security. The ``/api/events`` operations are in ``test_api_openapi_events.py``.
"""
from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate

from chatapp.actions.accounts import do_register
from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.api.openapi import DOCUMENT_DIR, load_document
from chatapp.extensions import db
from chatapp.models import User
from chatapp.models.room import ROOM_KIND_COMMUNITY
from chatapp.security.identity import issue_token
from chatapp.serializers import wire_user_id
from tests.openapi_support import PASSWORD, ana, bearer, ben, call, hana, openapi, spec  # noqa: F401
from tests.unit_support import bus  # noqa: F401

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask itself for every rule


# --- the document itself -------------------------------------------------------------------

def test_document_is_a_valid_openapi_document(spec):
    validate(spec)


def test_served_document_is_the_parts_in_the_package_merged(call, spec):
    call("GET", "/api/openapi.json", 200)
    assert spec == load_document()
    assert set(spec["paths"]) == {path for part in DOCUMENT_DIR.glob("*.json")
                                  for path in json.loads(part.read_text()).get("paths", {})}


def openapi_path(rule: str) -> str:
    """``/api/rooms/<int:room_id>/messages`` -> ``/api/rooms/{roomId}/messages``."""
    def camel(match: re.Match) -> str:
        first, *rest = match.group(1).split("_")
        return "{" + first + "".join(word.title() for word in rest) + "}"
    return re.sub(r"<(?:\w+:)?(\w+)>", camel, rule)


def test_every_api_route_is_documented_and_nothing_else(app, spec):
    routes = {(openapi_path(rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api")
              for method in rule.methods - IGNORED_METHODS}
    documented = {(path, method) for path, item in spec["paths"].items()
                  for method in item if method in {"get", "post", "put", "patch", "delete"}}
    assert routes == documented


def test_every_operation_documents_its_path_parameters(spec):
    def parameter(ref_or_param: dict) -> dict:
        if "$ref" in ref_or_param:
            return spec["components"]["parameters"][ref_or_param["$ref"].rsplit("/", 1)[1]]
        return ref_or_param

    for path, item in spec["paths"].items():
        in_path = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            params = [parameter(p) for p in operation.get("parameters", [])]
            assert {p["name"] for p in params if p["in"] == "path"} == in_path, (method, path)


# --- rooms, health, conversations ----------------------------------------------------------

def test_rooms_list(call):
    assert len(call("GET", "/api/rooms", 200).get_json()) == 5


def test_room_messages_pages(call, ana):
    for text in ("one", "two", "three"):
        do_send_message(ana.actor, RoomRef(1, ROOM_KIND_COMMUNITY), text)
    page = call("GET", "/api/rooms/1/messages?limit=2", 200).get_json()
    assert page["nextBefore"] == 2
    last = call("GET", "/api/rooms/1/messages?limit=2&before=2", 200).get_json()
    assert last["nextBefore"] is None and last["messages"][0]["avatar"] == "a.png"


def test_next_before_is_null_on_an_exactly_full_last_page(call, ana):
    for text in ("one", "two"):
        do_send_message(ana.actor, RoomRef(1, ROOM_KIND_COMMUNITY), text)
    assert call("GET", "/api/rooms/1/messages?limit=2", 200).get_json()["nextBefore"] is None


@pytest.mark.parametrize("query", ["before=abc", "before=0", "before=1234567890123456789",
                                   "limit=0", "limit=ten"])
def test_room_messages_bad_query(call, query):
    call("GET", f"/api/rooms/1/messages?{query}", 400, request_ok=False)


def test_room_messages_unknown_room(call):
    call("GET", "/api/rooms/99/messages", 404)


def test_health(call, monkeypatch):
    call("GET", "/api/health", 200)

    def refuse(*_args, **_kwargs):
        raise ConnectionError("database gone")
    monkeypatch.setattr(db.session, "execute", refuse)
    call("GET", "/api/health", 503)


def test_conversation_needs_a_token(call, ana):
    body = call("GET", "/api/conversations/1/messages", 401, request_ok=False).get_json()
    assert body["error"]["code"] == "not_logged_in"
    body = call("GET", "/api/conversations/1/messages", 401, headers=bearer("forged")).get_json()
    assert body["error"]["code"] == "auth_failed"


def test_conversation_messages(call, ana, ben):
    do_send_private_message(ana.actor, ben.actor.user_id, "hi ben")
    do_send_private_message(ben.actor, ana.actor.user_id, "hi ana")
    path = f"/api/conversations/{ana.actor.user_id}/messages"
    page = call("GET", path, 200, headers=bearer(ben.token)).get_json()
    assert [m["avatar"] for m in page["messages"]] == [None, "a.png"]
    call("GET", "/api/conversations/99/messages", 404, headers=bearer(ben.token))


# --- accounts: tokens, logging out, the caller's profile -----------------------------------

PROFILE_KEYS = {"userId", "username", "displayName", "avatar", "status", "isGuest", "isAdmin"}


def test_create_token(call, bus):  # noqa: F811
    user = do_register("Hana", PASSWORD, display_name="Hana H.")
    answer = call("POST", "/api/auth/token", 201,
                  json={"username": " hana ", "password": PASSWORD}).get_json()
    assert answer["user"] == {"userId": wire_user_id(user), "username": "Hana", "displayName": "Hana H.",
                              "avatar": None, "status": None, "isGuest": False, "isAdmin": False}
    assert answer["expiresAt"].endswith("Z")
    me = call("GET", "/api/users/me", 200, headers=bearer(answer["token"])).get_json()
    assert me == answer["user"]


def test_create_token_refusals(call, bus, ana):  # noqa: F811
    do_register("hana", PASSWORD)
    wrong = call("POST", "/api/auth/token", 401, json={"username": "hana", "password": "nope" * 3})
    assert wrong.get_json()["error"]["code"] == "auth_failed"
    unknown = call("POST", "/api/auth/token", 401,
                   json={"username": "nobody", "password": PASSWORD}).get_json()
    assert unknown["error"] == {**wrong.get_json()["error"], "code": "auth_failed"}
    guest = call("POST", "/api/auth/token", 401, json={"username": "ana", "password": ""})
    assert guest.get_json()["error"]["code"] == "auth_failed"  # guests have no password
    call("POST", "/api/auth/token", 401, request_ok=False, json={"username": "hana"})
    call("POST", "/api/auth/token", 400, request_ok=False, json=["hana", PASSWORD])
    call("POST", "/api/auth/token", 400, request_ok=False,
         data="username=hana", content_type="application/x-www-form-urlencoded")


def test_failed_logins_are_throttled(call, app, bus):  # noqa: F811
    app.config["RATE_LIMIT_LOGIN_FAILURES"] = "2/15minute"
    do_register("hana", PASSWORD)
    for _ in range(2):
        call("POST", "/api/auth/token", 401, json={"username": "hana", "password": "x" * 12})
    throttled = call("POST", "/api/auth/token", 429,
                     json={"username": "hana", "password": "x" * 12})
    error = throttled.get_json()["error"]
    assert error["code"] == "rate_limited" and error["retryAfter"] > 0
    assert int(throttled.headers["Retry-After"]) >= error["retryAfter"]


def test_logout_revokes_every_token(call, bus):  # noqa: F811
    user = do_register("hana", PASSWORD)
    first, second = issue_token(user), issue_token(user)
    call("POST", "/api/auth/logout", 204, headers=bearer(first))
    for token in (first, second):
        body = call("GET", "/api/users/me", 401, headers=bearer(token)).get_json()
        assert body["error"]["code"] == "auth_failed"
    call("POST", "/api/auth/logout", 401, headers=bearer(first))
    call("POST", "/api/auth/logout", 401, request_ok=False)
    fresh = call("POST", "/api/auth/token", 201, json={"username": "hana", "password": PASSWORD})
    call("GET", "/api/users/me", 200, headers=bearer(fresh.get_json()["token"]))


def test_my_profile(call, ana, hana):
    guest = call("GET", "/api/users/me", 200, headers=bearer(ana.token)).get_json()
    assert guest == {"userId": wire_user_id(ana.actor), "username": "ana", "displayName": None,
                     "avatar": "a.png", "status": None, "isGuest": True, "isAdmin": False}
    me = call("GET", "/api/users/me", 200, headers=bearer(hana.token)).get_json()
    assert set(me) == PROFILE_KEYS and (me["username"], me["isGuest"]) == ("hana", False)
    body = call("GET", "/api/users/me", 401, request_ok=False).get_json()
    assert body["error"]["code"] == "not_logged_in"
    call("GET", "/api/users/me", 401, headers=bearer("forged"))


def test_update_my_profile(call, hana):
    auth = bearer(hana.token)
    changed = call("PATCH", "/api/users/me", 200, headers=auth, json={
        "displayName": "  Hana H. ", "avatar": "https://example.org/h.png", "status": "here"})
    assert changed.get_json() == {**changed.get_json(), "displayName": "Hana H.",
                                  "avatar": "https://example.org/h.png", "status": "here"}
    relative = call("PATCH", "/api/users/me", 200, headers=auth, json={"avatar": "/a/h.png"})
    assert relative.get_json()["avatar"] == "/a/h.png"
    cleared = call("PATCH", "/api/users/me", 200, headers=auth,
                   json={"displayName": None, "avatar": "", "status": None}).get_json()
    assert (cleared["displayName"], cleared["avatar"], cleared["status"]) == (None, None, None)
    assert db.session.get(User, hana.actor.user_id).avatar is None
    assert call("GET", "/api/users/me", 200, headers=auth).get_json() == cleared


@pytest.mark.parametrize("body, status", [
    ({"avatar": "javascript:alert(1)"}, 400),
    ({"avatar": "data:text/html,<b>x</b>"}, 400),
    ({"avatar": "//evil.example/a.png"}, 400),
    ({"avatar": 5}, 400),
    ({"displayName": "a\u0007b"}, 400),
    ({"status": "x" * 101}, 413),
    ({"displayName": "x" * 65}, 413),
])
def test_update_my_profile_refusals(call, hana, body, status):
    auth = bearer(hana.token)
    response = call("PATCH", "/api/users/me", status, request_ok=False, headers=auth, json=body)
    assert set(response.get_json()["error"]["fields"]) == set(body)
    unchanged = call("GET", "/api/users/me", 200, headers=auth).get_json()
    assert (unchanged["displayName"], unchanged["avatar"], unchanged["status"]) == \
        (None, None, None)


def test_a_refused_profile_update_changes_nothing(call, hana):
    auth = bearer(hana.token)
    call("PATCH", "/api/users/me", 400, request_ok=False, headers=auth,
         json={"displayName": "Half", "status": "done", "avatar": "javascript:alert(1)"})
    call("PATCH", "/api/users/me", 400, request_ok=False, headers=auth, json=["status"])
    call("PATCH", "/api/users/me", 401, request_ok=False, json={"status": "x"})
    unchanged = call("GET", "/api/users/me", 200, headers=auth).get_json()
    assert (unchanged["displayName"], unchanged["avatar"], unchanged["status"]) == \
        (None, None, None)
