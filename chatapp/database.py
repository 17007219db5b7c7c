"""Engine settings per database, applied when the app binds SQLAlchemy."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from chatapp.extensions import db


def engine_options(database_url: str) -> dict:
    # hide_parameters: a database error's text (which reaches the logs) must not quote the
    # values of the statement: they are messages, names and password hashes.
    if database_url.startswith("sqlite"):
        # One file, many greenlets: wait for the write lock instead of failing at once.
        return {"connect_args": {"timeout": 15}, "hide_parameters": True}
    # Greenlets, not threads: the pool bounds how many talk to PostgreSQL at once.
    return {"pool_size": 20, "max_overflow": 20, "pool_pre_ping": True, "pool_timeout": 30,
            "hide_parameters": True}


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
    if url.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)

