"""Engine settings per database, applied when the app binds SQLAlchemy."""
from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

from chatapp.extensions import db


def engine_options(database_url: str) -> dict:
    # hide_parameters: a database error's text (which reaches the logs) must not quote the
    # values of the statement: they are messages, names and password hashes.
    if database_url.startswith("sqlite"):
        # One file, many greenlets: wait for the write lock instead of failing at once.
        return {"connect_args": {"timeout": 15}, "hide_parameters": True}
    # Greenlets, not threads: the pool bounds how many talk to PostgreSQL at once. No
    # pre-ping on every checkout: see _ping_when_idle.
    return {"pool_size": 20, "max_overflow": 20, "pool_timeout": 30, "hide_parameters": True}


# A pooled PostgreSQL connection back from use this recently is taken as alive.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_when_idle(engine) -> None:
    """Check a pooled connection before use only if it sat idle for a while.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: a round trip before each
    transaction, a tenth of a message's handling under the closed-loop fan-out. A connection
    that idled since before a database restart is the one it protects against; one used a
    moment ago is not pinged. Should the database go down between two uses all the same, the
    first statement to find out fails, and SQLAlchemy then replaces every pooled connection
    of that age, so the rest start afresh."""
    dialect = engine.dialect

    def note_idle_from(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:  # gone: the pool takes a fresh one
            raise DisconnectionError(str(error)) from error

    event.listen(engine, "connect", note_idle_from)
    event.listen(engine, "checkin", note_idle_from)
    event.listen(engine, "checkout", ping_if_idle)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL + NORMAL: a commit is durable against a process crash without an fsync per message.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(url))
    db.init_app(app)
    with app.app_context():
        if url.startswith("sqlite"):
            event.listen(db.engine, "connect", _sqlite_pragmas)
        else:
            _ping_when_idle(db.engine)

