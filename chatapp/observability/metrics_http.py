"""``/metrics``: the Prometheus text format, for whom the settings allow.

- ``METRICS_ADDRESS=host:port``: served on that address only, by a small listener of its own
  (bind it to an internal interface); the public port answers 404.
- ``METRICS_TOKEN``: every scrape must send ``Authorization: Bearer <token>`` (on either
  listener), else 401.
- Neither: open on the public port in development; off (404) with ``APP_ENV=production``,
  where metrics must be asked for explicitly.
"""
from __future__ import annotations

import hmac
import logging

from flask import Flask, Response, current_app, request
from prometheus_client import CollectorRegistry, generate_latest

# The classic text format (what generate_latest writes), which every Prometheus version reads.
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4 as CONTENT_TYPE
from prometheus_client.multiprocess import MultiProcessCollector

from chatapp.extensions import db
from chatapp.observability import metrics
from chatapp.observability.sampling import refresh

log = logging.getLogger(__name__)


def metrics_mode(config) -> str:
    """``internal``, ``token``, ``open`` or ``off`` (see the module docstring)."""
    if config.get("METRICS_ADDRESS"):
        return "internal"
    if config.get("METRICS_TOKEN"):
        return "token"
    return "off" if config.get("APP_ENV") == "production" else "open"


def authorized(authorization: str | None, token: str | None) -> bool:
    if not token:
        return True
    expected = f"Bearer {token}".encode()
    return hmac.compare_digest((authorization or "").encode(), expected)


def exposition() -> bytes:
    """Every process's values (this one's flushed first), in Prometheus's text format."""
    try:
        refresh()
    finally:
        db.session.remove()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(metrics.METRICS_DIR))
    return generate_latest(registry)


def unauthorized() -> Response:
    return Response("a bearer token is required\n", 401, {"WWW-Authenticate": "Bearer"},
                    mimetype="text/plain")


def metrics_view() -> Response:
    if not authorized(request.headers.get("Authorization"), current_app.config.get("METRICS_TOKEN")):
        return unauthorized()
    return Response(exposition(), content_type=CONTENT_TYPE)


def internal_wsgi_app(app: Flask):
    """The listener at ``METRICS_ADDRESS``: ``GET /metrics`` only."""
    def serve(environ, start_response):
        if environ.get("PATH_INFO") != "/metrics" or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        if not authorized(environ.get("HTTP_AUTHORIZATION"), app.config.get("METRICS_TOKEN")):
            start_response("401 Unauthorized", [("Content-Type", "text/plain"),
                                                ("WWW-Authenticate", "Bearer")])
            return [b"a bearer token is required\n"]
        with app.app_context():
            body = exposition()
        start_response("200 OK", [("Content-Type", CONTENT_TYPE),
                                  ("Content-Length", str(len(body)))])
        return [body]
    return serve


def start_internal_listener(app: Flask) -> None:
    """Serve ``/metrics`` on ``METRICS_ADDRESS`` (a serving process calls this once)."""
    address = app.config.get("METRICS_ADDRESS")
    if not address:
        return
    from gevent.pywsgi import WSGIServer

    host, port = address.rsplit(":", 1)
    server = WSGIServer((host.strip("[]"), int(port)), internal_wsgi_app(app), log=None,
                        error_log=log)
    server.start()


def init_app(app: Flask) -> None:
    mode = metrics_mode(app.config)
    app.extensions["chatapp.metrics_mode"] = mode
    if mode in ("token", "open"):
        app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
