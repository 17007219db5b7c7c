"""Logging for operators: a request id per HTTP request, an access log, the start-up line,
refusals at the level they deserve, and each line's context (request id, user id, socket).

What is logged never includes message contents, tokens or passwords: the access log has the
path without its query string, refusals have their code and event, and SQL errors are raised
without their parameters (``hide_parameters`` in :mod:`chatapp.database`).

The serving process calls :func:`configure` once (``wsgi.py``); in-process test apps keep the
test runner's logging. :func:`init_app` only adds the per-request hooks.
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Callable, Iterable

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy.engine import make_url

from chatapp.observability import metrics
from chatapp.observability.log_format import formatter_for
from chatapp.security.client_address import client_ip

access_log = logging.getLogger("chatapp.access")
log = logging.getLogger("chatapp.server")
refusal_log = logging.getLogger("chatapp.refusals")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is copied into our logs and our response: only short, plain tokens are kept.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Requests a load balancer or Prometheus makes every few seconds: logged at DEBUG, not INFO.
QUIET_PATHS = frozenset({"/api/health", "/metrics"})
# Refusals that may mean an attack or a misbehaving client; the rest are a user's ordinary
# mistakes (INFO). Internal failures are logged with their traceback where they are caught.
WARNING_CODES = frozenset({"auth_failed", "rate_limited", "forbidden"})

SocketUser = Callable[[str], "int | None"]


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id`` and, in a socket handler, ``sid`` to every record.

    In an HTTP request they come from ``g`` (set by the hooks below and by the identity
    checks); in a Socket.IO handler (Flask-SocketIO sets ``request.sid``) the user is the
    socket's, and the request id is the one the handshake carried from a trusted proxy. Nothing
    is computed unless a line is actually logged."""

    def __init__(self, socket_user: SocketUser | None = None) -> None:
        super().__init__()
        self.socket_user = socket_user

    def filter(self, record: logging.LogRecord) -> bool:
        if not has_request_context():
            return True
        sid = getattr(request, "sid", None)
        if sid is not None:
            record.sid = sid
            if getattr(record, "user_id", None) is None and self.socket_user is not None:
                record.user_id = self.socket_user(sid)
            if getattr(record, "request_id", None) is None:
                record.request_id = trusted_request_id()
        else:
            if getattr(record, "request_id", None) is None:
                record.request_id = g.get("request_id")
            if getattr(record, "user_id", None) is None:
                record.user_id = g.get("user_id")
        return True


def configure(app: Flask, socket_user: SocketUser | None = None,
              stream=None) -> logging.Handler:
    """Make this process log to stderr (or ``stream``) in ``LOG_FORMAT`` at ``LOG_LEVEL``,
    replacing any handler the root logger had (gunicorn's, or ours from an earlier call)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter_for(app.config.get("LOG_FORMAT")))
    handler.addFilter(ContextFilter(socket_user))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL") or "INFO")
    # The WSGI servers' own request lines would repeat our access log, and add a line per
    # Socket.IO polling request (sockets get "socket connected/disconnected" lines instead).
    for noisy in ("werkzeug", "geventwebsocket.handler", "gevent.pywsgi"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler


def trusted_request_id() -> str | None:
    """The ``X-Request-ID`` a trusted proxy set (only with ``PROXY_COUNT`` > 0: otherwise any
    client could write into our logs), if it is a plain token."""
    if not current_app.config.get("PROXY_COUNT"):
        return None
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if _SAFE_REQUEST_ID.fullmatch(value) else None


def note_user(user_id: int | None) -> None:
    """Record who this HTTP request acts as, for its log lines (called by the identity checks)."""
    if has_request_context() and getattr(request, "sid", None) is None:
        g.user_id = user_id


def _start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = trusted_request_id() or uuid.uuid4().hex


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started else 0.0
    duration_ms = round(seconds * 1000, 2)
    metrics.http_request_finished(request.endpoint or "unmatched", response.status_code, seconds)
    response.headers.setdefault(REQUEST_ID_HEADER, g.get("request_id", ""))
    level = logging.DEBUG if request.path in QUIET_PATHS and response.status_code < 500 \
        else logging.INFO
    access_log.log(level, "%s %s %s", request.method, request.path, response.status_code,
                   extra={"method": request.method, "path": request.path,
                          "status": response.status_code, "duration_ms": duration_ms,
                          "remote": client_ip()})
    return response


def refusal_level(code: str) -> int:
    if code == "internal":
        return logging.ERROR
    return logging.WARNING if code in WARNING_CODES else logging.INFO


class LineBudget:
    """At most ``per_minute`` lines a minute per process, what is held back counted into the
    next line: a client flooding past a rate limit must not make the server write a log line
    per refusal (seen: 14,816 lines in a minute of the 5,000-person reaction benchmark)."""

    def __init__(self, per_minute: int = 30) -> None:
        self.per_minute = per_minute
        self.window_start, self.lines, self.held = float("-inf"), 0, 0

    def take(self, now: float | None = None) -> int | None:
        """None: hold this line back; else how many were held back before it."""
        now = time.monotonic() if now is None else now
        if now - self.window_start >= 60:
            self.window_start, self.lines = now, 0
        if self.lines >= self.per_minute:
            self.held += 1
            return None
        self.lines += 1
        held, self.held = self.held, 0
        return held


_rate_limited_lines = LineBudget()


def log_refusal(transport: str, where: str, code: str) -> None:
    """One line per refused request: the code and where (socket event or HTTP path); never the
    payload or the message, which may quote what the user wrote. ``rate_limited`` refusals,
    which come in floods by nature, within a :class:`LineBudget` (every one is counted in
    ``chat_refusals_total`` all the same)."""
    more = ""
    if code == "rate_limited":
        held = _rate_limited_lines.take()
        if held is None:
            return
        more = f" ({held} more rate_limited refusals not logged)" if held else ""
    refusal_log.log(refusal_level(code), "refused %s %s: %s%s", transport, where, code, more,
                    extra={"transport": transport, "where": where, "code": code})


def safe_url(url: str | None) -> str | None:
    """A database or Redis URL with its password masked, for the start-up line."""
    if not url:
        return None
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not an SQLAlchemy-style URL: say nothing rather than leak it
        return url.split("@")[-1] if "@" in url else url


def log_startup(app: Flask, addresses: Iterable[str]) -> None:
    """The line an operator looks for: where this process listens and what it uses."""
    config = app.config
    listening = ", ".join(addresses)
    queue = safe_url(config.get("REDIS_URL"))
    log.info("chat server listening on %s (database %s, message queue %s, env %s)", listening,
             safe_url(config["SQLALCHEMY_DATABASE_URI"]),
             f"{queue} channel {config['SOCKETIO_CHANNEL']}" if queue else "none (one process)",
             config["APP_ENV"],
             extra={"listening": listening, "database": safe_url(config["SQLALCHEMY_DATABASE_URI"]),
                    "message_queue": queue, "app_env": config["APP_ENV"],
                    "metrics": app.extensions.get("chatapp.metrics_mode")})
    if app.extensions.get("chatapp.metrics_mode") == "off":
        log.warning("/metrics is off: set METRICS_ADDRESS (an internal host:port) or "
                    "METRICS_TOKEN to let Prometheus scrape this process")


def init_app(app: Flask) -> None:
    """Give every HTTP request an id (echoed as ``X-Request-ID``) and an access log line."""
    app.before_request(_start_request)
    app.after_request(_log_request)
