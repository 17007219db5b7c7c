"""Tokens for external clients: issue, use, expire, tamper, revoke; failed-login throttling."""
from __future__ import annotations

import pytest

from chatapp.actions.accounts import do_register
from chatapp.extensions import db

PASSWORD = "correct horse battery"


@pytest.fixture
def account(app):
    with app.app_context():
        user = do_register("Marta", PASSWORD)
        yield user.id
        db.session.remove()


def token_for(client, username="marta", password=PASSWORD):
    return client.post("/api/auth/token", json={"username": username, "password": password})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_token_for_username_and_password_case_insensitively(client, account):
    response = token_for(client, "MARTA")
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["userId"] == str(account)  # a local user goes by its id in decimal
    assert body["user"]["isGuest"] is False
    assert body["expiresAt"].endswith("Z")
    me = client.get("/api/users/me", headers=bearer(body["token"]))
    assert me.status_code == 200 and me.get_json()["username"] == "Marta"


def test_wrong_password_and_unknown_user_look_the_same(client, account):
    for username, password in (("marta", "wrong password!"), ("nobody", PASSWORD)):
        response = token_for(client, username, password)
        assert response.status_code == 401
        assert response.get_json()["error"] == {"code": "auth_failed",
                                                "message": "wrong username or password"}


def test_failed_logins_are_throttled_even_for_the_right_password(app, client, account):
    app.config["RATE_LIMIT_LOGIN_FAILURES"] = "3/15minute"
    for _ in range(3):
        assert token_for(client, password="not it at all").status_code == 401
    refused = token_for(client)  # the right password, but the guessing budget is spent
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0


def test_tampered_and_expired_tokens_are_refused(app, client, account):
    token = token_for(client).get_json()["token"]
    payload, stamp, signature = token.split(".")
    forged = ".".join([payload, stamp, ("A" if signature[0] != "A" else "B") + signature[1:]])
    response = client.get("/api/users/me", headers=bearer(forged))
    assert response.status_code == 401 and "invalid token" in response.get_json()["error"]["message"]
    app.config["TOKEN_MAX_AGE"] = -1  # every account token is now past its age
    response = client.get("/api/users/me", headers=bearer(token))
    assert response.status_code == 401 and "expired" in response.get_json()["error"]["message"]


def test_logout_revokes_every_token(client, account):
    first, second = token_for(client).get_json()["token"], token_for(client).get_json()["token"]
    assert client.post("/api/auth/logout", headers=bearer(first)).status_code == 204
    for token in (first, second):
        response = client.get("/api/users/me", headers=bearer(token))
        assert response.status_code == 401 and "revoked" in response.get_json()["error"]["message"]


def test_profile_update_refuses_unsafe_avatar(client, account):
    token = token_for(client).get_json()["token"]
    bad = client.patch("/api/users/me", headers=bearer(token), json={"avatar": "javascript:alert(1)"})
    assert bad.status_code == 400 and bad.get_json()["error"]["fields"] == {
        "avatar": "must be an http(s) URL"}
    good = client.patch("/api/users/me", headers=bearer(token),
                        json={"displayName": "Marta R.", "avatar": "https://img.example/m.png",
                              "status": "at the keynote"})
    assert good.status_code == 200
    assert {k: good.get_json()[k] for k in ("displayName", "avatar", "status")} == {
        "displayName": "Marta R.", "avatar": "https://img.example/m.png", "status": "at the keynote"}


def test_a_session_cookie_alone_cannot_write_through_the_api(client, account):
    with client.session_transaction() as session:
        session["user_id"], session["token_version"] = account, 1
    assert client.get("/api/users/me").status_code == 200  # reads may use the session
    response = client.post("/api/auth/logout")  # a write needs the bearer token
    assert response.status_code == 401
