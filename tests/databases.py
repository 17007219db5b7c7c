"""The database each test runs on: SQLite files (default) or PostgreSQL (``TEST_DATABASE=postgresql``).

On PostgreSQL every test gets a database of its own, copied from one migrated template, and
every database made here is dropped when the session ends. When PostgreSQL is unreachable, CI
(``CI`` set) fails loudly; elsewhere the tests skip with a message saying why.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

BACKEND = os.environ.get("TEST_DATABASE", "sqlite")
ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
_created: list[str] = []
_template: str | None = None


def _admin():
    import psycopg

    return psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3)


def require_postgres() -> None:
    try:
        with _admin() as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the server
        message = f"PostgreSQL unreachable at {ADMIN_DSN}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI requires it)", pytrace=False)
        pytest.skip(message)


def _sqlalchemy_url(name: str) -> str:
    base = ADMIN_DSN.rsplit("/", 1)[0]
    return base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name


def create_postgres_database(template: str | None = None) -> str:
    require_postgres()
    name = f"chat_test_{secrets.token_hex(6)}"
    with _admin() as conn:
        suffix = f" TEMPLATE {template}" if template else ""
        conn.execute(f"CREATE DATABASE {name}{suffix}")
    _created.append(name)
    return _sqlalchemy_url(name)


def drop_created_databases() -> None:
    if not _created:
        return
    with _admin() as conn:
        for name in reversed(_created):
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _created.clear()


def migrated_template() -> str:
    """A migrated database to copy per test (made once per session)."""
    global _template
    if _template is None:
        from flask_migrate import upgrade

        from chatapp import create_app
        from chatapp.extensions import db

        url = create_postgres_database()
        app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            db.engine.dispose()  # a template must have no open connections to be copied
        _template = url.rsplit("/", 1)[1]
    return _template


def unit_database_url(tmp_path: Path) -> str:
    """A migrated database for one in-process test."""
    if BACKEND == "postgresql":
        return create_postgres_database(template=migrated_template())
    return f"sqlite:///{tmp_path / 'unit.sqlite3'}"


def server_database_url(tmp_path: Path) -> str:
    """An empty database for a server process (its release step migrates it)."""
    if BACKEND == "postgresql":
        return create_postgres_database()
    return f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
