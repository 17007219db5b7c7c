"""Keeping the metric files current: pending counts flushed, gauges sampled.

:func:`refresh` runs every :data:`FLUSH_SECONDS` in each serving process (started by
``wsgi.py``), before every scrape, and once more at exit. Gauges are read here rather than
counted where things happen, so connects, disconnects and pool checkouts cost nothing extra.
"""
from __future__ import annotations

import atexit
import logging
import os
import time

from flask import Flask, current_app
from sqlalchemy import func, select

from chatapp.extensions import db, socketio
from chatapp.models import Connection
from chatapp.observability import metrics
from chatapp.realtime.socket_state import local_socket_count

FLUSH_SECONDS = 5
log = logging.getLogger(__name__)
_redis_clients: dict[str, object] = {}
_started_in_pid: int | None = None


def sample_database() -> None:
    pool = db.engine.pool
    if hasattr(pool, "checkedout"):  # QueuePool; SQLite in-memory pools have no counts
        metrics.DB_POOL_CONNECTIONS.labels("in_use").set(pool.checkedout())
        metrics.DB_POOL_CONNECTIONS.labels("idle").set(pool.checkedin())
        options = current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        metrics.DB_POOL_LIMIT.set(options.get("pool_size", pool.size())
                                  + max(options.get("max_overflow", 10), 0))
    users = db.session.scalar(select(func.count(func.distinct(Connection.user_id))))
    metrics.CONNECTED_USERS.set(users or 0)


def sample_redis() -> None:
    """Ping the message queue's Redis with a short timeout: up or down, and how fast."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=2)
    channel = current_app.config["SOCKETIO_CHANNEL"]
    started = time.perf_counter()
    try:
        client.ping()
    except Exception as exc:  # any failure means the queue cannot carry broadcasts
        log.warning("metrics: the message queue's Redis did not answer: %s", exc)
        metrics.REDIS_UP.labels(channel).set(0)
        return
    metrics.REDIS_UP.labels(channel).set(1)
    metrics.REDIS_PING_SECONDS.labels(channel).set(time.perf_counter() - started)


def refresh() -> None:
    """Flush pending counts and sample the gauges (inside an app context)."""
    metrics.flush()
    metrics.CONNECTED_SOCKETS.set(local_socket_count())
    try:
        sample_database()
    except Exception as exc:  # a database outage must not break the scrape itself
        log.warning("metrics: could not sample the database: %s", exc)
        db.session.rollback()
    sample_redis()


def _loop(app: Flask) -> None:
    while True:
        socketio.sleep(FLUSH_SECONDS)
        with app.app_context():
            try:
                refresh()
            except Exception:
                log.exception("metrics refresh failed")
            finally:
                db.session.remove()


def start_background_refresh(app: Flask) -> None:
    """Once per serving process (``wsgi.py``): refresh periodically and flush at exit."""
    global _started_in_pid
    if _started_in_pid == os.getpid():
        return
    _started_in_pid = os.getpid()
    socketio.start_background_task(_loop, app)
    atexit.register(metrics.flush)
