"""Which browser origins may call the API and open a socket: ``CLIENT_URL`` plus our own."""
from __future__ import annotations

from flask import Flask, Response, current_app, request


def own_origin(environ: dict) -> str | None:
    host = environ.get("HTTP_HOST")
    if not host:
        return None
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    return f"{scheme}://{host}"


def make_origin_check(allowed: list[str]):
    """A callable for Socket.IO's ``cors_allowed_origins``: the configured list (``CLIENT_URL``,
    comma-separated) and always the server's own origin. ``*`` (only when set explicitly, for
    development) allows any origin, ``null`` included: pages opened from a file send that, and
    the old live-event server accepted them."""
    allowed_set = {origin.rstrip("/") for origin in allowed}

    def is_allowed(origin: str | None, environ: dict | None = None) -> bool:
        if origin is None:
            return True  # not a browser: no Origin header to check
        origin = origin.rstrip("/")
        if "*" in allowed_set or origin in allowed_set:
            return True
        return environ is not None and origin == own_origin(environ)

    return is_allowed


def add_cors_headers(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and request.path.startswith("/api/") and \
            current_app.extensions["chatapp.origin_check"](origin, request.environ):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        response.headers["Access-Control-Allow-Methods"] = \
            "GET, POST, PUT, PATCH, DELETE, OPTIONS"
        response.headers.add("Vary", "Origin")
    return response


def init_app(app: Flask) -> None:
    app.extensions["chatapp.origin_check"] = make_origin_check(app.config["CLIENT_URLS"])
    app.after_request(add_cors_headers)
