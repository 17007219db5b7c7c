"""Who a request acts as. The server decides: from a signed credential (our own token, a JWT we
minted, or the host app's JWT) or the browser session, never from an id the client fills in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from chatapp.errors import AuthFailed
from chatapp.extensions import db
from chatapp.models import User
from chatapp.observability.logs import note_user
from chatapp.queries.users import user_by_wire_id
from chatapp.security import jwt_tokens

TOKEN_SALT = "chatapp.security.identity"


@dataclass(frozen=True, slots=True)
class Actor:
    """The identity a socket or request acts as, kept in memory so hot paths need no query."""

    user_id: int
    username: str
    avatar: str | None
    is_guest: bool
    is_admin: bool = False
    display_name: str | None = None
    external_id: str | None = None  # a host-app user's id there (their id on the wire)

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(user.id, user.username, user.avatar, user.is_guest, user.is_admin,
                   user.display_name, user.external_id)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(user: User) -> str:
    """A signed credential that resumes ``user`` (a reconnect, a second tab, an API client)."""
    return _serializer().dumps({"uid": user.id, "v": user.token_version})


@dataclass(frozen=True)
class Credential:
    """What a token names: a user we know (``user``), and for a host-app JWT (``host``) its
    verified id and claims. ``user`` is None for a host-app user seen for the first time: the
    write path (:mod:`chatapp.actions.host_users`) creates them."""

    user: User | None
    host: jwt_tokens.JwtIdentity | None = None


def read_credential(token: object) -> Credential:
    """Verify a token: ours (itsdangerous), a JWT we minted, or the host app's JWT (see
    :mod:`chatapp.security.jwt_tokens`); :class:`AuthFailed` if it is malformed, forged,
    expired or revoked."""
    if not isinstance(token, str) or not token or len(token) > 4000:
        raise AuthFailed("Authentication failed: malformed token")
    if jwt_tokens.looks_like_jwt(token):
        return _jwt_credential(token)
    config = current_app.config
    try:
        claims, issued_at = _serializer().loads(
            token, max_age=max(config["GUEST_TOKEN_MAX_AGE"], config["TOKEN_MAX_AGE"]),
            return_timestamp=True)
    except SignatureExpired:
        raise AuthFailed("Authentication failed: token expired") from None
    except BadSignature:
        raise AuthFailed("Authentication failed: invalid token") from None
    user = db.session.get(User, claims.get("uid")) if isinstance(claims, dict) else None
    if user is None or claims.get("v") != user.token_version:
        raise AuthFailed("Authentication failed: token revoked")
    max_age = config["GUEST_TOKEN_MAX_AGE"] if user.is_guest else config["TOKEN_MAX_AGE"]
    if (datetime.now(timezone.utc) - issued_at).total_seconds() > max_age:
        raise AuthFailed("Authentication failed: token expired")
    note_user(user.id)
    return Credential(user)


def _jwt_credential(token: str) -> Credential:
    verified = jwt_tokens.read(token)
    if verified.ours:
        user = user_by_wire_id(verified.user_ref)
        if user is None:
            raise AuthFailed("Authentication failed: token revoked")
    else:
        user = db.session.scalar(select(User).where(User.external_id == verified.user_ref))
    # ``v`` is in the tokens we mint (so logging out revokes them); the host app's have none.
    if user is not None and "v" in verified.claims and verified.claims["v"] != user.token_version:
        raise AuthFailed("Authentication failed: token revoked")
    if user is not None:
        note_user(user.id)
    return Credential(user, None if verified.ours else verified)


def user_from_token(token: object) -> User:
    """The known user a credential names; :class:`AuthFailed` if it is malformed, forged,
    expired or revoked, or (a host-app JWT) names someone not seen yet."""
    credential = read_credential(token)
    if credential.user is None:
        raise AuthFailed("Authentication failed: unknown user")
    return credential.user


def token_expiry(user: User) -> datetime:
    config = current_app.config
    max_age = config["GUEST_TOKEN_MAX_AGE"] if user.is_guest else config["TOKEN_MAX_AGE"]
    return datetime.now(timezone.utc) + timedelta(seconds=max_age)


def user_from_session(session) -> User | None:
    """The account a browser session is logged in as (None if none, or if revoked since)."""
    user_id, version = session.get("user_id"), session.get("token_version")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.token_version != version:
        return None
    note_user(user.id)
    return user


def bearer_token(authorization_header: str | None) -> str | None:
    if authorization_header and authorization_header.lower().startswith("bearer "):
        return authorization_header[7:].strip()
    return None
