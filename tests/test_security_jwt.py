"""Host-app identity: JWTs from the host app, and the ones we mint, in process.

A host-app JWT is accepted wherever our tokens are (here: REST bearer and user:login); a bad,
expired or forged one gets no identity, and our own tokens keep working. Tokens are made with
PyJWT here as the host app's jsonwebtoken would make them (``{id, iat, exp}``, HS256).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chatapp.actions.sessions import do_login
from chatapp.config import ConfigError
from chatapp.errors import AuthFailed
from chatapp.extensions import db
from chatapp.models import User
from chatapp.queries.users import user_by_wire_id
from chatapp.security import jwt_tokens
from chatapp.security.identity import issue_token
from chatapp.serializers import wire_user_id
from tests.unit_support import bus  # noqa: F401

SECRET = "the-host-apps-secret-of-at-least-32-bytes"


def host_id() -> str:
    return secrets.token_hex(12)  # as MongoDB's ObjectIds in the old backend


def mint(claims: dict, key=SECRET, algorithm="HS256", **headers) -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 3600, **claims}, key, algorithm=algorithm,
                      headers=headers or None)


@pytest.fixture
def host(app):
    """The app configured with the host app's JWT_SECRET."""
    app.config["JWT_SECRET"] = SECRET
    jwt_tokens.init_app(app)
    return app


def bearer(client, token: str):
    return client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})


def test_a_host_jwt_makes_the_user_on_first_sight_and_finds_them_later(host, bus):
    ext = host_id()
    first = do_login("sid-a", token=mint({"id": ext}), username="Ana Lopez", avatar="AL")
    assert first.actor.external_id == ext and wire_user_id(first.actor) == ext
    assert (first.actor.username, first.actor.avatar, first.actor.is_guest) == ("Ana Lopez", "AL", False)
    # Claims win over what the client sends, and later logins may update the profile.
    again = do_login("sid-b", token=mint({"id": ext, "name": "Ana L.", "avatar": "https://x.org/a.png"}),
                     username="ignored")
    assert again.actor.user_id == first.actor.user_id
    assert (again.actor.username, again.actor.avatar) == ("Ana L.", "https://x.org/a.png")
    assert db.session.query(User).filter_by(external_id=ext).count() == 1
    assert user_by_wire_id(ext).id == first.actor.user_id


def test_a_host_jwt_is_a_rest_bearer_token(host, client):
    ext = host_id()
    body = bearer(client, mint({"id": ext, "name": "Bo"})).get_json()
    assert (body["userId"], body["username"], body["isGuest"]) == (ext, "Bo", False)


def test_sub_is_the_fallback_id_claim_and_the_id_claim_is_configurable(host, client):
    ext = host_id()
    assert bearer(client, mint({"sub": ext})).get_json()["userId"] == ext
    host.config["JWT_ID_CLAIM"] = "uid"
    jwt_tokens.init_app(host)
    other = host_id()
    assert bearer(client, mint({"uid": other, "id": "not-this"})).get_json()["userId"] == other


@pytest.mark.parametrize("token, why", [
    (lambda: mint({"id": host_id(), "exp": int(time.time()) - 3600}), "expired"),
    (lambda: mint({"id": host_id()}, key="another-secret-of-at-least-32-bytes!!"), "invalid"),
    (lambda: mint({"id": host_id(), "nbf": int(time.time()) + 3600}), "not valid yet"),
    (lambda: mint({"name": "nobody"}), "names no user"),
    (lambda: mint({"id": "12345"}), "not one this server can use"),  # would read as ours
    (lambda: mint({"id": "has space"}), "not one this server can use"),
    (lambda: jwt.encode({"id": host_id(), "iat": int(time.time())}, SECRET), "invalid"),  # no exp
    (lambda: jwt.encode({"id": host_id(), "exp": int(time.time()) + 60}, None, algorithm="none"),
     "not allowed"),
    (lambda: mint({"id": host_id()}, algorithm="HS512"), "not allowed"),  # not in the allow-list
])
def test_bad_host_jwts_get_no_identity(host, bus, client, token, why):
    credential = token()
    with pytest.raises(AuthFailed, match=why):
        do_login("sid-a", token=credential, username="x")
    response = bearer(client, credential)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "auth_failed"
    assert db.session.query(User).count() == 0  # nobody was made


def test_issuer_and_audience_are_checked_when_configured(host, client):
    host.config.update(JWT_ISSUER="campus-app", JWT_AUDIENCE="chat")
    jwt_tokens.init_app(host)
    good = {"id": host_id(), "iss": "campus-app", "aud": "chat"}
    assert bearer(client, mint(good)).status_code == 200
    for bad in ({**good, "aud": "billing"}, {**good, "iss": "elsewhere"},
                {"id": host_id(), "iss": "campus-app"}):
        assert bearer(client, mint(bad)).status_code == 401


def test_rs256_with_a_public_key(app, client):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    app.config.update(JWT_PUBLIC_KEY=public_pem, JWT_ALGORITHMS=["RS256"])
    jwt_tokens.init_app(app)
    ext = host_id()
    assert bearer(client, mint({"id": ext}, key=private, algorithm="RS256")).get_json()["userId"] == ext
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert bearer(client, mint({"id": host_id()}, key=stranger, algorithm="RS256")).status_code == 401
    # The public key used as an HMAC secret (algorithm confusion) is refused; PyJWT will not
    # even sign that, so the token is put together by hand.
    head = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = jwt.utils.base64url_encode(json.dumps(
        {"id": host_id(), "exp": int(time.time()) + 60}).encode())
    signature = hmac.new(public_pem.encode(), head + b"." + body, hashlib.sha256).digest()
    forged = b".".join([head, body, jwt.utils.base64url_encode(signature)]).decode()
    assert bearer(client, forged).status_code == 401


def test_without_a_jwt_secret_host_jwts_are_refused_and_our_tokens_work(app, bus, client):
    with pytest.raises(AuthFailed):
        do_login("sid-a", token=mint({"id": host_id()}), username="x")
    guest = do_login("sid-b", username="ana")
    assert bearer(client, guest.token).get_json()["userId"] == wire_user_id(guest.actor)


def test_our_tokens_keep_working_with_a_jwt_secret(host, bus, client):
    guest = do_login("sid-a", username="ana")
    assert bearer(client, guest.token).status_code == 200
    assert do_login("sid-b", token=guest.token).actor == guest.actor
    # A JWT we minted for one of our own (decimal id) users is signed with our key, not the
    # host app's: the host app's secret cannot name our users.
    ours = jwt_tokens.mint(wire_user_id(guest.actor), 1, external=False)
    assert bearer(client, ours).get_json()["userId"] == wire_user_id(guest.actor)
    with pytest.raises(AuthFailed):
        do_login("sid-c", token=mint({"id": wire_user_id(guest.actor)}))


def test_minted_tokens_are_revoked_by_logout(host, bus, client):
    user = User(external_id=host_id(), username="Cy", is_guest=False, token_version=1)
    db.session.add(user)
    db.session.commit()
    token = jwt_tokens.mint(user.external_id, user.token_version, external=True)
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["id"] == user.external_id
    assert client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert bearer(client, token).status_code == 401


def test_wire_ids_never_mix_ours_and_the_host_apps(host, bus):
    ours = do_login("sid-a", username="ana").actor
    theirs = do_login("sid-b", token=mint({"id": host_id()}), username="bo").actor
    assert user_by_wire_id(str(ours.user_id)).id == ours.user_id
    # A host-app user goes by the app's id only, never by their database id.
    assert user_by_wire_id(str(theirs.user_id)) is None
    assert user_by_wire_id(wire_user_id(theirs)).id == theirs.user_id
    assert user_by_wire_id("0") is None and user_by_wire_id("9" * 30) is None


@pytest.mark.parametrize("settings, problem", [
    ({"JWT_SECRET": SECRET, "JWT_ALGORITHMS": ["none"]}, "not allowed"),
    ({"JWT_SECRET": SECRET, "JWT_ALGORITHMS": ["RS256"]}, "needs JWT_PUBLIC_KEY"),
    ({"JWT_PUBLIC_KEY": "/no/such/key.pem", "JWT_ALGORITHMS": ["RS256"]}, "PEM"),
])
def test_bad_settings_stop_the_start(app, settings, problem):
    app.config.update(settings)
    with pytest.raises(ConfigError, match=problem):
        jwt_tokens.init_app(app)


def test_a_token_issued_before_the_feature_still_works(host, bus):
    """Our itsdangerous tokens are told apart from JWTs by their first segment."""
    user = User(username="old", is_guest=True, token_version=1)
    db.session.add(user)
    db.session.commit()
    assert do_login("sid-a", token=issue_token(user)).actor.user_id == user.id
