"""The old community backend's REST auth, in its own shapes, so the app's sign-in pages work.

``{success: true, ...}`` on success, ``{success: false, error: "<text>"}`` on failure (old
clients show ``error`` as is; ``code`` and ``fields`` are our additions):

- ``POST /api/auth/register {name, email, password}`` -> 201 ``{success, token, data: user}``
  (400 ``User already exists``, 400 for a bad field: our password rules apply);
- ``POST /api/auth/login {email, password}`` -> 200 the same (400 ``Please provide an email
  and password``, 401 ``Invalid credentials``; failures are throttled like every sign-in);
- ``GET /api/auth/me`` -> ``{success, data: user}``; ``GET /api/users`` -> ``{success, count,
  data: [user...]}``, every account but the caller's;
- ``GET /api/auth/logout`` -> ``{success, data: {}}`` (with a bearer token it also revokes the
  caller's tokens, as ``POST /api/auth/logout`` does).

``user`` = ``{_id, name, email, avatar, status, lastSeen, createdAt}``; ``_id`` is the wire id.
The token is an HS256 JWT ``{id, iat, exp}`` (:func:`chatapp.security.jwt_tokens.mint`).

These routes live on a blueprint of their own: the API's error shape and its write limit
(``before_request``) would answer in our shape, so the views apply the limit themselves.
"""
from __future__ import annotations

import math
from functools import wraps

from flask import Blueprint, request
from sqlalchemy import func, select

from chatapp.actions.accounts import do_authenticate, do_logout
from chatapp.actions.legacy_accounts import do_register_legacy
from chatapp.api.params import current_user, read_json
from chatapp.errors import AuthFailed, ChatError, Conflict, Invalid, NotLoggedIn
from chatapp.extensions import db
from chatapp.models import User
from chatapp.queries import presence as presence_queries
from chatapp.security import jwt_tokens, ratelimit
from chatapp.security.client_address import client_ip
from chatapp.security.identity import bearer_token
from chatapp.serializers import wire_user_id
from chatapp.timeutil import isoformat_z

legacy_auth = Blueprint("legacy_auth", __name__, url_prefix="/api")
USERS_LISTED = 1000
NOT_AUTHORIZED = "Not authorized to access this route"


def initials(name: str) -> str:
    """The old backend's default avatar: the first letters of the first two words."""
    words = name.split()
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return name[:2].upper() or "US"


def legacy_user(user: User, online: bool) -> dict:
    name = user.display_name or user.username
    status = "offline"
    if online:
        status = user.status if user.status in ("away", "offline") else "online"
    return {"_id": wire_user_id(user), "name": name, "email": user.email,
            "avatar": user.avatar or initials(name), "status": status,
            "lastSeen": isoformat_z(user.last_seen_at or user.created_at),
            "createdAt": isoformat_z(user.created_at)}


def signed_in(user: User, status: int):
    token = jwt_tokens.mint(wire_user_id(user), user.token_version,
                            external=user.external_id is not None)
    online = presence_queries.user_is_online(user.id)
    return {"success": True, "token": token, "data": legacy_user(user, online)}, status


def old_shape(view):
    """Refusals as ``{success: false, error}`` with the old statuses."""
    @wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ChatError as error:
            db.session.rollback()
            body = {"success": False, "error": error.message, "code": error.code}
            if error.fields:
                body["fields"] = error.fields
            status = 400 if isinstance(error, Conflict) else error.status
            if error.retry_after is None:
                return body, status
            return body, status, {"Retry-After": str(max(1, math.ceil(error.retry_after)))}
    return run


def body_object() -> dict:
    body = read_json()
    if not isinstance(body, dict):
        raise Invalid("send a JSON object with Content-Type: application/json")
    return body


def count_write() -> None:
    """The API's limit on writes (per address: these callers have no token yet)."""
    ratelimit.check("RATE_LIMIT_REST_WRITES", f"ip:{client_ip()}")


def the_caller() -> User:
    try:
        return current_user()
    except (NotLoggedIn, AuthFailed):
        raise NotLoggedIn(NOT_AUTHORIZED) from None


@old_shape
def register():
    count_write()
    body = body_object()
    user = do_register_legacy(body.get("name"), body.get("email"), body.get("password"))
    return signed_in(user, 201)


@old_shape
def login():
    count_write()
    body = body_object()
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not email.strip() or not isinstance(password, str) \
            or not password:
        raise Invalid("Please provide an email and password")
    if "@" not in email:  # the old API signs in by email only; a username is no email
        email = ""
    try:
        user = do_authenticate(email, password, client_ip=client_ip())
    except AuthFailed:
        raise AuthFailed("Invalid credentials") from None
    return signed_in(user, 200)


@old_shape
def me():
    user = the_caller()
    return {"success": True, "data": legacy_user(user, presence_queries.user_is_online(user.id))}


@old_shape
def logout():
    """Only a bearer token revokes: a GET carrying just a cookie may come from another site."""
    if bearer_token(request.headers.get("Authorization")):
        do_logout(the_caller())
    return {"success": True, "data": {}}


@old_shape
def users():
    caller = the_caller()
    online = {user.id for user in presence_queries.online_users()}
    people = db.session.scalars(
        select(User).where(User.is_guest.is_(False), User.id != caller.id)
        .order_by(func.lower(User.username), User.id).limit(USERS_LISTED)).all()
    data = [legacy_user(user, user.id in online) for user in people]
    return {"success": True, "count": len(data), "data": data}


legacy_auth.post("/auth/register")(register)
legacy_auth.post("/auth/login")(login)
legacy_auth.get("/auth/me")(me)
legacy_auth.get("/auth/logout")(logout)
legacy_auth.get("/users")(users)
