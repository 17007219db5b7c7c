"""Domain errors: one hierarchy, mapped to JSON (API) and to refusals (sockets) in one place each."""
from __future__ import annotations


class ChatError(Exception):
    """A refused request. ``code`` is the stable word clients see; ``status`` the HTTP status."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.retry_after = retry_after

    def to_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        if self.retry_after is not None:
            body["retryAfter"] = self.retry_after
        return body


class Invalid(ChatError):
    code = "invalid"
    status = 400


class NotLoggedIn(ChatError):
    code = "not_logged_in"
    status = 401


class AuthFailed(ChatError):
    code = "auth_failed"
    status = 401


class Forbidden(ChatError):
    code = "forbidden"
    status = 403


class NotFound(ChatError):
    code = "not_found"
    status = 404


class Conflict(ChatError):
    code = "conflict"
    status = 409


class TooLarge(ChatError):
    code = "too_large"
    status = 413


class RateLimited(ChatError):
    code = "rate_limited"
    status = 429


class EventEnded(ChatError):
    code = "event_ended"
    status = 409


class Unavailable(ChatError):
    code = "unavailable"
    status = 503


class NotMember(Forbidden):
    """The socket has not joined the room it tries to act in."""

    code = "not_member"
