"""Shared fixtures: an in-process app for unit tests, a real server process for end-to-end."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import databases
from tests.helpers import ChatClient, ServerProcess

pytest_plugins = ["tests.browser_support"]  # Chromium fixtures for tests/test_browser_*.py


def pytest_report_header(config):
    return f"database backend: {databases.BACKEND} (set TEST_DATABASE=postgresql for PostgreSQL)"


def pytest_sessionfinish(session, exitstatus):
    databases.drop_created_databases()


def _unit_app(url: str):
    """An in-process app on the database at ``url``; yields it, then closes its connections."""
    from chatapp import create_app
    from chatapp.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": url,
                      "REDIS_URL": None})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path):
    url = databases.unit_database_url(tmp_path)
    yield from _unit_app(url)
    databases.release(url)


@pytest.fixture
def pg_app():
    """As ``app``, on a migrated PostgreSQL database whatever the suite's backend: for paths
    that exist only there."""
    yield from _unit_app(databases.create_postgres_database(template=databases.migrated_template()))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": databases.server_database_url(tmp_path),
        "SECRET_KEY": "e2e-secret",
        "CLIENT_URL": "http://localhost:3000",
        "TEST_LOG_DIR": str(tmp_path),
        # Rate limits stay on, but history tests have one guest post 100+ messages at once
        # (the default is 10 per 10 s). A module about limits passes its own in ``extra``.
        "RATE_LIMIT_MESSAGES_GUEST": "1000/10second",
        **extra,
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One real server process per test module, started like the Procfile's web line."""
    tmp = tmp_path_factory.mktemp("server")
    proc = ServerProcess(server_env(tmp))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def connect(server):
    """Factory for recording Socket.IO clients against ``server``; all closed afterwards."""
    clients: list[ChatClient] = []

    def make(url: str | None = None, **kwargs) -> ChatClient:
        c = ChatClient(url or server.url, **kwargs)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def unique():
    """Distinct names per test so tests sharing a server never collide."""
    counter = iter(range(1, 1_000_000))
    prefix = os.urandom(3).hex()
    return lambda base="u": f"{base}{prefix}{next(counter)}"
