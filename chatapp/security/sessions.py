"""The browser session cookie, with a lifetime per kind of user: an account's lasts
``TOKEN_MAX_AGE`` (7 days), a guest's ``GUEST_TOKEN_MAX_AGE`` (30 days), as their tokens do.

Flask gives every session one lifetime (``PERMANENT_SESSION_LIFETIME``, set to the longer of
the two); this interface shortens it for accounts, both in the cookie's expiry and when a
cookie comes back (the signature's timestamp, refreshed on every response, says when the
browser was last here). A session names a guest by ``session["guest"]`` (set at sign-in).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature

GUEST_KEY = "guest"


def session_lifetime(app: Flask, session: SessionMixin | dict) -> int:
    """Seconds a session of this kind may last since the browser was last here."""
    key = "GUEST_TOKEN_MAX_AGE" if session.get(GUEST_KEY) else "TOKEN_MAX_AGE"
    return int(app.config[key])


class LifetimeSessionInterface(SecureCookieSessionInterface):
    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        if not session.permanent:
            return None
        return datetime.now(timezone.utc) + timedelta(seconds=session_lifetime(app, session))

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if "saved_session" in request.environ:
            # A Socket.IO event after the connect: Flask-SocketIO swaps in the socket's own
            # copy of the session (taken at its connect) right after this, so decoding and
            # verifying the cookie again for every event would be thrown away.
            return self.session_class()
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        longest = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = serializer.loads(value, max_age=longest)
            lifetime = session_lifetime(app, data)
            if lifetime < longest:  # an account's cookie: checked again, against its own age
                serializer.loads(value, max_age=lifetime)
        except BadSignature:  # forged, or (SignatureExpired) too old
            return self.session_class()
        return self.session_class(data)


def init_app(app: Flask) -> None:
    app.session_interface = LifetimeSessionInterface()
