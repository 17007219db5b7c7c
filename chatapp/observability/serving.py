"""Wiring: the per-request hooks for every app, the background work for a serving process."""
from __future__ import annotations

from flask import Flask

from chatapp.observability import logs, metrics_http
from chatapp.observability.sampling import start_background_refresh
from chatapp.realtime.socket_state import user_id_of


def init_app(app: Flask) -> None:
    """Request ids, the access log and HTTP metrics; the ``/metrics`` route if enabled."""
    logs.init_app(app)
    metrics_http.init_app(app)


def start_serving(app: Flask) -> None:
    """For the process that serves (``wsgi.py``), not for CLI commands or test apps: log in
    ``LOG_FORMAT`` (socket handlers' lines name the socket's user), keep the metric files
    current, and open the internal metrics listener if ``METRICS_ADDRESS`` is set."""
    logs.configure(app, socket_user=user_id_of)
    start_background_refresh(app)
    metrics_http.start_internal_listener(app)
