"""Query-string and caller helpers shared by the API views."""
from __future__ import annotations

from flask import current_app, request, session

from chatapp.errors import Invalid, NotLoggedIn
from chatapp.identity import Actor, bearer_token, user_from_session, user_from_token
from chatapp.models import User


def int_arg(name: str, *, default: int | None = None, minimum: int = 1) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19) or int(raw) < minimum:
        raise Invalid(f"{name} must be an integer >= {minimum}", fields={name: "must be a positive integer"})
    return int(raw)


def page_args() -> tuple[int | None, int]:
    """``before`` (a message id cursor) and ``limit`` (capped at PAGE_LIMIT_MAX). Views fetch
    ``limit + 1`` rows so :func:`page_body` knows whether an older page exists."""
    cap = current_app.config["PAGE_LIMIT_MAX"]
    before = int_arg("before")
    limit = min(int_arg("limit", default=50), cap)
    return before, limit


def page_body(items: list[dict], limit: int) -> dict:
    """Newest first; ``nextBefore`` is the cursor for the next (older) page, or null at the end.
    ``items`` may hold one row more than ``limit``: its presence means there is more."""
    page = items[:limit]
    next_before = page[-1]["id"] if len(items) > limit else None
    return {"messages": page, "nextBefore": next_before}


def optional_user() -> User | None:
    """The caller, from ``Authorization: Bearer <token>`` or, for reads only, the browser
    session. Writes need the token: the API is exempt from CSRF tokens, so a cookie alone must
    never authorise one. A bad token is an error, not anonymity."""
    token = bearer_token(request.headers.get("Authorization"))
    if token:
        return user_from_token(token)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return user_from_session(session)
    return None


def current_user() -> User:
    user = optional_user()
    if user is None:
        raise NotLoggedIn("send Authorization: Bearer <token> or log in")
    return user


def optional_actor() -> Actor | None:
    user = optional_user()
    return Actor.of(user) if user is not None else None


def current_actor() -> Actor:
    return Actor.of(current_user())


def json_body() -> object:
    """The parsed JSON body; malformed JSON or another content type is ``invalid``."""
    if not request.is_json:
        raise Invalid("send a JSON body with Content-Type: application/json")
    body = request.get_json(silent=True)
    if body is None:
        raise Invalid("the body is not valid JSON")
    return body
