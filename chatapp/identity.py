"""Who a request acts as. The server decides: from a signed credential or the browser session,
never from an id the client fills in."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chatapp.errors import AuthFailed
from chatapp.extensions import db
from chatapp.models import User

TOKEN_SALT = "chatapp.identity"


@dataclass(frozen=True, slots=True)
class Actor:
    """The identity a socket or request acts as, kept in memory so hot paths need no query."""

    user_id: int
    username: str
    avatar: str | None
    is_guest: bool

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(user.id, user.username, user.avatar, user.is_guest)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(user: User) -> str:
    """A signed credential that resumes ``user`` (a reconnect, a second tab, an API client)."""
    return _serializer().dumps({"uid": user.id, "v": user.token_version})


def user_from_token(token: object) -> User:
    """The user a credential names; :class:`AuthFailed` if it is malformed, forged, expired
    or revoked."""
    if not isinstance(token, str) or not token or len(token) > 1000:
        raise AuthFailed("Authentication failed: malformed token")
    try:
        claims = _serializer().loads(token, max_age=current_app.config["GUEST_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise AuthFailed("Authentication failed: token expired") from None
    except BadSignature:
        raise AuthFailed("Authentication failed: invalid token") from None
    user = db.session.get(User, claims.get("uid")) if isinstance(claims, dict) else None
    if user is None or claims.get("v") != user.token_version:
        raise AuthFailed("Authentication failed: token revoked")
    return user


def bearer_token(authorization_header: str | None) -> str | None:
    if authorization_header and authorization_header.lower().startswith("bearer "):
        return authorization_header[7:].strip()
    return None
