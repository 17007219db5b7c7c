"""JSON Web Tokens, verified with PyJWT: the host app's, and the ones we mint for the old REST auth.

Two kinds of JWT are accepted wherever a token of ours is (``user:login {token}``, the
handshake's ``auth.token``, ``Authorization: Bearer``):

- **Ours**: HS256 ``{id, iat, exp, v}`` signed with a key derived from ``SECRET_KEY``. We mint
  them for the old REST auth when no ``JWT_SECRET`` is set, and always for our own (decimal id)
  accounts. ``id`` is a wire id; ``v`` the user's token version (logout revokes them).
- **The host app's** (only with ``JWT_SECRET`` or ``JWT_PUBLIC_KEY`` set): signed by the app
  with ``JWT_SECRET`` (HS*) or its private key (RS*/ES*/PS*/EdDSA, checked with
  ``JWT_PUBLIC_KEY``), an algorithm from ``JWT_ALGORITHMS`` (never ``none``), with ``exp``
  (and ``nbf``, ``iss``, ``aud`` when present or configured) checked. The user id is the
  ``JWT_ID_CLAIM`` claim (default ``id``, falling back to ``sub``): a host-app id, never all
  digits (see :func:`chatapp.validation.check_external_id`). We mint these too, for accounts
  with a host-app id, so the app's other services can read them as before.

Our key is tried first, so a token we minted is never read as the host app's.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from flask import Flask, current_app

from chatapp.config import ConfigError
from chatapp.errors import AuthFailed
from chatapp.validation import check_external_id

OUR_ALGORITHM = "HS256"
SYMMETRIC = ("HS256", "HS384", "HS512")
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
              "EdDSA")
LEEWAY_SECONDS = 30  # clock skew between the host app's servers and ours


@dataclass(frozen=True)
class HostSettings:
    secret: str | None
    public_key: str | None
    algorithms: tuple[str, ...]
    issuer: str | None
    audience: str | None
    id_claim: str


@dataclass(frozen=True)
class JwtIdentity:
    """A verified JWT: whose it is (``ours`` or the host app's), the user's wire id (for the
    host app's: their external id), and the claims (name, avatar...)."""

    ours: bool
    user_ref: str
    claims: dict[str, Any]


def looks_like_jwt(token: str) -> bool:
    """A JWT's first segment is a JSON header naming ``alg``; our own itsdangerous tokens have
    three segments too, but their first is the payload (``{"uid": ...}``)."""
    head = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(header, dict) and "alg" in header


def our_key() -> bytes:
    """Derived from SECRET_KEY, so our JWTs and our other tokens never share a key."""
    secret = current_app.config["SECRET_KEY"]
    return hmac.new(secret.encode(), b"chatapp.security.jwt_tokens", hashlib.sha256).digest()


def host_settings() -> HostSettings | None:
    return current_app.extensions.get("chatapp.jwt_host")


def mint(user_ref: str, token_version: int, *, external: bool) -> str:
    """An HS256 JWT ``{id, iat, exp, v}`` as the old backend's ``jsonwebtoken`` made them.

    A host-app user's (``external``) is signed with ``JWT_SECRET`` when the host app's tokens
    are HS256 ones, like the app's own; anyone else's with our key."""
    now = int(time.time())
    claims = {"id": user_ref, "iat": now, "exp": now + current_app.config["TOKEN_MAX_AGE"],
              "v": token_version}
    host = host_settings()
    if external and host is not None and host.secret and "HS256" in host.algorithms:
        return jwt.encode(claims, host.secret, algorithm="HS256")
    return jwt.encode(claims, our_key(), algorithm=OUR_ALGORITHM)


def read(token: str) -> JwtIdentity:
    """Verify a JWT; :class:`AuthFailed` (with the reason) if it is not good."""
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError:
        raise AuthFailed("Authentication failed: invalid token") from None
    if algorithm != OUR_ALGORITHM:
        return read_host(token)
    try:
        claims = jwt.decode(token, our_key(), algorithms=[OUR_ALGORITHM],
                            options={"require": ["exp", "id"]}, leeway=LEEWAY_SECONDS)
    except jwt.InvalidSignatureError:
        return read_host(token)
    except jwt.ExpiredSignatureError:
        raise AuthFailed("Authentication failed: token expired") from None
    except jwt.PyJWTError:
        raise AuthFailed("Authentication failed: invalid token") from None
    ref = claims["id"]
    if isinstance(ref, bool) or not isinstance(ref, (str, int)):
        raise AuthFailed("Authentication failed: invalid token")
    return JwtIdentity(True, str(ref), claims)


def read_host(token: str) -> JwtIdentity:
    """Verify a JWT the host app signed (see the module's docstring)."""
    host = host_settings()
    if host is None:
        raise AuthFailed("Authentication failed: invalid token")
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError:
        raise AuthFailed("Authentication failed: invalid token") from None
    if algorithm not in host.algorithms:  # "none" never is: refused at start-up
        raise AuthFailed("Authentication failed: token algorithm not allowed")
    key = host.secret if algorithm in SYMMETRIC else host.public_key
    options = {"require": ["exp"], "verify_aud": host.audience is not None}
    try:
        claims = jwt.decode(token, key, algorithms=[algorithm], audience=host.audience,
                            issuer=host.issuer, options=options, leeway=LEEWAY_SECONDS)
    except jwt.ExpiredSignatureError:
        raise AuthFailed("Authentication failed: token expired") from None
    except jwt.ImmatureSignatureError:
        raise AuthFailed("Authentication failed: token not valid yet") from None
    except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
        raise AuthFailed("Authentication failed: token not meant for this server") from None
    except jwt.PyJWTError:
        raise AuthFailed("Authentication failed: invalid token") from None
    raw = claims.get(host.id_claim)
    if raw is None and host.id_claim != "sub":
        raw = claims.get("sub")
    if raw is None:
        raise AuthFailed(f"Authentication failed: the token names no user ({host.id_claim})")
    external_id = check_external_id(raw)
    if external_id is None:
        raise AuthFailed("Authentication failed: the token's user id is not one this server "
                         "can use (1-64 letters, digits or ._:@|+=-, not all digits)")
    return JwtIdentity(False, external_id, claims)


def _public_key(raw: str | None) -> str | None:
    """``JWT_PUBLIC_KEY``: the PEM text itself, or the path of a file holding it."""
    if raw and "-----BEGIN" not in raw:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise ConfigError("JWT_PUBLIC_KEY must be a PEM public key or the path of one")
        return path.read_text()
    return raw.replace("\\n", "\n") if raw else raw


def load_host_settings(config: dict) -> HostSettings | None:
    """The host-app JWT settings, checked; None when no ``JWT_SECRET``/``JWT_PUBLIC_KEY``."""
    secret, public_key = config.get("JWT_SECRET"), _public_key(config.get("JWT_PUBLIC_KEY"))
    if not secret and not public_key:
        return None
    algorithms = tuple(config.get("JWT_ALGORITHMS") or ("HS256",))
    for algorithm in algorithms:
        if algorithm not in SYMMETRIC + ASYMMETRIC:  # "none" included
            raise ConfigError(f"JWT_ALGORITHMS: {algorithm!r} is not allowed; use "
                              + ", ".join(SYMMETRIC + ASYMMETRIC))
        if algorithm in SYMMETRIC and not secret:
            raise ConfigError(f"JWT_ALGORITHMS has {algorithm}, which needs JWT_SECRET")
        if algorithm in ASYMMETRIC and not public_key:
            raise ConfigError(f"JWT_ALGORITHMS has {algorithm}, which needs JWT_PUBLIC_KEY")
    return HostSettings(secret or None, public_key or None, algorithms,
                        config.get("JWT_ISSUER") or None, config.get("JWT_AUDIENCE") or None,
                        config.get("JWT_ID_CLAIM") or "id")


def init_app(app: Flask) -> None:
    """Check the settings once, at start-up (a bad one stops the server, not a login)."""
    app.extensions["chatapp.jwt_host"] = load_host_settings(app.config)
