"""Query-string and caller helpers shared by the API views."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, session

from chatapp.actions.host_users import do_user_for_credential
from chatapp.errors import Invalid, NotLoggedIn
from chatapp.models import User
from chatapp.security.identity import (
    Actor,
    bearer_token,
    user_from_session,
)
from chatapp.validation import check_payload


def int_arg(name: str, *, default: int | None = None, minimum: int = 1) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19) or int(raw) < minimum:
        raise Invalid(f"{name} must be an integer >= {minimum}", fields={name: "must be a positive integer"})
    return int(raw)


@dataclass(frozen=True)
class PageArgs:
    """A message page request: ``before`` pages back, ``after`` catches up (at most one)."""

    before: int | None
    after: int | None
    limit: int

    def fetch(self, query, *scope) -> list:
        """``limit + 1`` rows from a query taking ``before``/``after``/``limit``, so
        :func:`page_body` knows whether there is more."""
        return query(*scope, before=self.before, after=self.after, limit=self.limit + 1)


def page_args() -> PageArgs:
    """``before`` or ``after`` (message id cursors) and ``limit`` (capped at PAGE_LIMIT_MAX)."""
    cap = current_app.config["PAGE_LIMIT_MAX"]
    before, after = int_arg("before"), int_arg("after", minimum=0)
    if before is not None and after is not None:
        raise Invalid("give before or after, not both", fields={"after": "not with before"})
    limit = min(int_arg("limit", default=50), cap)
    return PageArgs(before, after, limit)


def page_body(items: list[dict], args: PageArgs) -> dict:
    """``items`` may hold one row more than the limit: its presence means there is more.
    Paging back, newest first, ``nextBefore`` is the cursor for the older page; catching up
    (``after``), oldest first, ``nextAfter`` is the cursor for the newer one. Null at the end."""
    page = items[:args.limit]
    more = len(items) > args.limit
    catching_up = args.after is not None
    cursor = int(page[-1]["id"]) if page else None  # event message ids are strings on the wire
    return {"messages": page,
            "nextBefore": cursor if more and not catching_up else None,
            "nextAfter": cursor if more and catching_up else None}


def optional_user() -> User | None:
    """The caller, from ``Authorization: Bearer <token>`` or, for reads only, the browser
    session. Writes need the token: the API is exempt from CSRF tokens, so a cookie alone must
    never authorise one. A bad token is an error, not anonymity."""
    token = bearer_token(request.headers.get("Authorization"))
    if token:
        return do_user_for_credential(token)  # a host-app JWT may name someone new
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


def read_json() -> object | None:
    """The parsed JSON body, or None if the request has none or it does not parse.

    The body's size is capped before it is read (``MAX_BODY_BYTES``: 413 ``too_large``); JSON
    nested deeper than the decoder's recursion limit, or deeper than
    :data:`~chatapp.validation.MAX_PAYLOAD_DEPTH`, and strings that are not valid Unicode (a lone
    ``\\ud800``) are ``invalid``: every API body passes here, so no view sees them."""
    if not request.is_json:
        return None
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise Invalid("the body is nested too deep") from None
    if body is not None:
        check_payload(body, "body")
    return body


def json_body() -> object:
    """The parsed JSON body; malformed JSON or another content type is ``invalid``."""
    if not request.is_json:
        raise Invalid("send a JSON body with Content-Type: application/json")
    body = read_json()
    if body is None:
        raise Invalid("the body is not valid JSON")
    return body
