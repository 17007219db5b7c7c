"""``/api/auth``: tokens for external clients, and the caller's own profile."""
from __future__ import annotations

from flask import Blueprint

from chatapp.actions.accounts import do_authenticate, do_logout, do_update_profile
from chatapp.api.params import current_user, json_body
from chatapp.errors import Invalid
from chatapp.security.client_address import client_ip
from chatapp.security.identity import issue_token, token_expiry
from chatapp.serializers import profile_payload
from chatapp.timeutil import isoformat_z


def create_token():
    """Username + password -> a signed token with an expiry. Failed attempts are throttled per
    username and per address."""
    body = json_body()
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    user = do_authenticate(body.get("username"), body.get("password"), client_ip=client_ip())
    return {"token": issue_token(user), "expiresAt": isoformat_z(token_expiry(user)),
            "user": profile_payload(user)}, 201


def revoke_tokens():
    """Log out everywhere: every token of the caller stops working and their sockets close."""
    do_logout(current_user())
    return "", 204


def me():
    return profile_payload(current_user())


def update_me():
    body = json_body()
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    return profile_payload(do_update_profile(current_user(), body))


def register(bp: Blueprint) -> None:
    bp.post("/auth/token")(create_token)
    bp.post("/auth/logout")(revoke_tokens)
    bp.get("/users/me")(me)
    bp.patch("/users/me")(update_me)
