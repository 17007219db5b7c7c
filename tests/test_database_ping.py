"""PostgreSQL's pooled connections are checked before use only after sitting idle: one that
idled through a database restart is replaced unseen, one used a moment ago costs no round
trip. Runs on PostgreSQL whatever the suite's backend (SQLite has no pool to check)."""
from __future__ import annotations

from sqlalchemy import text

from chatapp import database
from chatapp.extensions import db
from tests import databases


def query_once(app) -> int:
    with app.app_context():
        try:
            return db.session.execute(text("SELECT 1")).scalar_one()
        finally:
            db.session.remove()  # back to the pool


def terminate_other_backends(app) -> None:
    """As a database restart does to every pooled connection."""
    name = databases.database_name(app.config["SQLALCHEMY_DATABASE_URI"])
    with databases._admin() as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


def test_a_connection_that_idled_through_a_restart_is_replaced_unseen(pg_app, monkeypatch):
    query_once(pg_app)
    terminate_other_backends(pg_app)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has idled long enough
    assert query_once(pg_app) == 1


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_app, monkeypatch):
    pings = []
    with pg_app.app_context():
        dialect = db.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    query_once(pg_app)
    query_once(pg_app)
    assert pings == []
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    query_once(pg_app)
    assert pings == [1]
