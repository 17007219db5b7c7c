"""The old community backend's REST auth, in its own shapes, checked against the OpenAPI
document (``call`` validates every request and response)."""
from __future__ import annotations

import re

import pytest

from chatapp.actions.accounts import do_register
from chatapp.security.identity import issue_token
from tests.openapi_support import bearer, call, openapi, spec  # noqa: F401
from tests.unit_support import bus, login  # noqa: F401

PASSWORD = "correct horse battery"
USER_KEYS = {"_id", "name", "email", "avatar", "status", "lastSeen", "createdAt"}


def register(call, name="Ana Lopez", email="ana@campus.example", password=PASSWORD, status=201):
    return call("POST", "/api/auth/register", status,
                json={"name": name, "email": email, "password": password}).get_json()


def test_register_answers_a_token_and_the_user(call):
    body = register(call)
    assert body["success"] is True and set(body["data"]) == USER_KEYS
    user = body["data"]
    assert re.fullmatch(r"[0-9a-f]{24}", user["_id"])
    assert (user["name"], user["email"], user["avatar"], user["status"]) == \
        ("Ana Lopez", "ana@campus.example", "AL", "offline")
    me = call("GET", "/api/auth/me", 200, headers=bearer(body["token"])).get_json()
    assert me == {"success": True, "data": user}


@pytest.mark.parametrize("fields, status, error", [
    ({"email": "ANA@campus.example"}, 400, "User already exists"),
    ({"password": "short"}, 400, "password: at least 10 characters"),
    ({"email": "not an email"}, 400, "email: "),
    ({"name": ""}, 400, "name must not be empty"),
])
def test_register_refusals_in_the_old_shape(call, fields, status, error):
    register(call)
    in_use = fields.get("email") == "ANA@campus.example"  # the document refuses the others too
    answer = call("POST", "/api/auth/register", status, request_ok=in_use,
                  json={"name": "Ana", "email": "ana2@campus.example", "password": PASSWORD,
                        **fields}).get_json()
    assert answer["success"] is False and answer["error"].startswith(error), answer


def test_login_by_email(call):
    user = register(call)["data"]
    body = call("POST", "/api/auth/login", 200,
                json={"email": " Ana@Campus.Example ", "password": PASSWORD}).get_json()
    assert body["success"] is True and body["data"]["_id"] == user["_id"]
    assert call("GET", "/api/auth/me", 200, headers=bearer(body["token"])).get_json()["data"] == \
        {**user, "lastSeen": body["data"]["lastSeen"]}


@pytest.mark.parametrize("body, status, error", [
    ({"email": "ana@campus.example"}, 400, "Please provide an email and password"),
    ({"password": PASSWORD}, 400, "Please provide an email and password"),
    ({"email": "ana@campus.example", "password": "not the one"}, 401, "Invalid credentials"),
    ({"email": "nobody@campus.example", "password": PASSWORD}, 401, "Invalid credentials"),
])
def test_login_refusals_in_the_old_shape(call, body, status, error):
    register(call)
    answer = call("POST", "/api/auth/login", status, request_ok=len(body) == 2, json=body)
    assert answer.get_json() == {"success": False, "error": error,
                                 "code": "invalid" if status == 400 else "auth_failed"}


def test_failed_logins_are_throttled(call, app):
    register(call)
    app.config["RATE_LIMIT_LOGIN_FAILURES"] = "2/minute"
    for _ in range(2):
        call("POST", "/api/auth/login", 401, json={"email": "ana@campus.example", "password": "x"})
    limited = call("POST", "/api/auth/login", 429,
                   json={"email": "ana@campus.example", "password": PASSWORD})
    assert limited.get_json()["success"] is False and int(limited.headers["Retry-After"]) >= 1


def test_web_accounts_sign_in_by_email_too(call, bus):
    do_register("marta", PASSWORD, email="Marta@Campus.example")
    body = call("POST", "/api/auth/login", 200,
                json={"email": "marta@campus.example", "password": PASSWORD}).get_json()
    assert body["data"]["name"] == "marta" and body["data"]["_id"].isdigit()
    assert call("GET", "/api/users/me", 200, headers=bearer(body["token"])).get_json()["username"] == "marta"


def test_users_lists_everyone_but_the_caller_and_guests(call, bus):
    ana = register(call)
    bo = register(call, name="Bo", email="bo@campus.example")
    login(bus, "sid-guest", "a guest")
    listed = call("GET", "/api/users", 200, headers=bearer(ana["token"])).get_json()
    assert listed == {"success": True, "count": 1, "data": [bo["data"]]}
    call("GET", "/api/users", 401, request_ok=False)


def test_me_needs_a_good_token(call):
    refused = call("GET", "/api/auth/me", 401, headers=bearer("forged")).get_json()
    assert refused["error"] == "Not authorized to access this route"


def test_logout_with_a_token_revokes_it(call, bus):
    body = register(call)
    assert call("GET", "/api/auth/logout", 200).get_json() == {"success": True, "data": {}}
    call("GET", "/api/auth/me", 200, headers=bearer(body["token"]))  # no token: nothing revoked
    assert call("GET", "/api/auth/logout", 200, headers=bearer(body["token"])).get_json() == \
        {"success": True, "data": {}}
    call("GET", "/api/auth/me", 401, headers=bearer(body["token"]))


def test_our_own_tokens_work_here(call, bus):
    token = issue_token(do_register("marta", PASSWORD))
    assert call("GET", "/api/auth/me", 200, headers=bearer(token)).get_json()["data"]["name"] == "marta"


def test_the_app_pages_origin_may_call_it(client):
    answer = client.post("/api/auth/register", headers={"Origin": "http://localhost:3000"},
                         json={"name": "Ana", "email": "ana@campus.example", "password": PASSWORD})
    assert answer.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "Access-Control-Allow-Origin" not in client.post(
        "/api/auth/login", headers={"Origin": "https://evil.example"},
        json={"email": "ana@campus.example", "password": PASSWORD}).headers
