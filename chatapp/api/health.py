"""``/api/health``: the database and, when configured, Redis, each reported separately.

200 when every configured dependency answers, 503 when one does not (a load balancer then
stops sending traffic here)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app
from sqlalchemy import text

from chatapp.cluster.lifecycle import shutting_down
from chatapp.extensions import db

log = logging.getLogger(__name__)


def database_status() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means "unreachable" to a load balancer
        log.warning("health check: database unreachable: %s", exc)
        db.session.rollback()
        return "unavailable"


def redis_status() -> str:
    url = current_app.config["REDIS_URL"]
    if not url:
        return "not_configured"
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    except Exception as exc:
        log.warning("health check: redis unreachable: %s", exc)
        return "unavailable"


def health():
    checks = {"database": database_status(), "redis": redis_status()}
    # A process shutting down takes no new clients: a balancer should send them elsewhere.
    healthy = not shutting_down() and all(
        status in ("ok", "not_configured") for status in checks.values())
    body = {"status": "ok" if healthy else "unavailable", **checks}
    return body, (200 if healthy else 503)


def register(bp: Blueprint) -> None:
    bp.get("/health")(health)
