"""``/api/health``: 200 when the database answers, 503 when it does not."""
from __future__ import annotations

import logging

from flask import Blueprint
from sqlalchemy import text

from chatapp.extensions import db

log = logging.getLogger(__name__)


def health():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # any driver error means "unreachable" to a load balancer
        log.warning("health check: database unreachable: %s", exc)
        db.session.rollback()
        database = "unavailable"
    healthy = database == "ok"
    return {"status": "ok" if healthy else "unavailable", "database": database}, (200 if healthy else 503)


def register(bp: Blueprint) -> None:
    bp.get("/health")(health)
