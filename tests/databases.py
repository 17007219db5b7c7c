"""The database each test runs on: SQLite files (default) or PostgreSQL (``TEST_DATABASE=postgresql``).

Every in-process test gets a migrated database of its own, as if new, without paying for a
migration or a new PostgreSQL database each time:

- SQLite: the schema is migrated once per session into a template file, copied per test.
- PostgreSQL: a small pool of databases is reused. A test takes one, reset to the rows of a
  template (every row deleted, the template's rows copied back, its sequences set where
  they were), and gives it back when done. Creating and dropping a database per test
  cost about a second each (``DROP DATABASE`` forces a checkpoint): 850 of them made the
  PostgreSQL pass ~15 minutes longer.

Server processes still get an empty database of their own (their release step migrates it).
Every database made here is dropped when the session ends. When PostgreSQL is unreachable, CI
(``CI`` set) fails loudly; elsewhere the tests skip with a message saying why.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

BACKEND = os.environ.get("TEST_DATABASE", "sqlite")
ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
_created: list[str] = []
_free: list[str] = []  # pooled PostgreSQL databases no test is using
_snapshots: dict[str, Snapshot] = {}
_migrated: dict[str, str] = {}  # "sqlite" -> template file, "postgresql" -> template name


def _admin():
    import psycopg

    return psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3)


def _connect(name: str):
    import psycopg

    return psycopg.connect(ADMIN_DSN.rsplit("/", 1)[0] + "/" + name, autocommit=True,
                           connect_timeout=3)


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


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


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
    _free.clear()
    _snapshots.clear()
    _migrated.clear()


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from chatapp import create_app
    from chatapp.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url,
                      "REDIS_URL": None})
    with app.app_context():
        upgrade()
        db.engine.dispose()  # a template must have no open connections to be copied


def migrated_template() -> str:
    """The name of a migrated PostgreSQL database (made once per session)."""
    if "postgresql" not in _migrated:
        url = create_postgres_database()
        _migrate(url)
        _migrated["postgresql"] = database_name(url)
    return _migrated["postgresql"]


def _migrated_sqlite_file() -> str:
    if "sqlite" not in _migrated:
        path = Path(tempfile.mkdtemp(prefix="chat-test-schema-")) / "migrated.sqlite3"
        _migrate(f"sqlite:///{path}")
        _migrated["sqlite"] = str(path)
    return _migrated["sqlite"]


@dataclass
class Snapshot:
    """Every row of a template database, and where its sequences stood."""

    tables: list[str]  # in an order that inserts parents before children
    rows: dict[str, tuple[list[str], list[tuple]]]
    sequences: list[tuple[str, int, bool]]


def _snapshot(template: str) -> Snapshot:
    if template not in _snapshots:
        from chatapp.extensions import db

        tables = [table.name for table in db.metadata.sorted_tables]
        rows = {}
        with _connect(template) as conn:
            present = {name for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            # Parents before children, then what only the migrations know (alembic's own
            # bookkeeping aside: the schema does not change between tests).
            tables = [name for name in tables if name in present]
            tables += sorted(present - set(tables) - {"alembic_version"})
            for name in tables:
                cursor = conn.execute(f'SELECT * FROM "{name}"')
                rows[name] = ([column.name for column in cursor.description], cursor.fetchall())
            sequences = [(f"{schema}.{name}", value, called) for schema, name, value, called in
                         conn.execute("SELECT schemaname, sequencename, COALESCE(last_value, 1), "
                                      "last_value IS NOT NULL FROM pg_sequences")]
        _snapshots[template] = Snapshot(tables, rows, sequences)
    return _snapshots[template]


def _reset(name: str, snapshot: Snapshot) -> None:
    with _connect(name) as conn, conn.transaction():
        conn.execute("SET LOCAL lock_timeout = '10s'")
        # A test's database is throwaway: its reset need not wait for the disk.
        conn.execute("SET LOCAL synchronous_commit = off")
        # DELETE, children first, rather than TRUNCATE: for a few rows it is several times
        # cheaper (TRUNCATE makes new files for every table); sequences are set below.
        for table in reversed(snapshot.tables):
            conn.execute(f'DELETE FROM "{table}"')
        for table in snapshot.tables:
            columns, rows = snapshot.rows[table]
            if rows:
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                conn.cursor().executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        for sequence, value, called in snapshot.sequences:
            conn.execute("SELECT setval(%s, %s, %s)", (sequence, value, called))


def copy_of(template_url: str, tmp_path: Path) -> str:
    """A database of one's own holding what ``template_url``'s holds (a pooled one on
    PostgreSQL: hand it back with :func:`release`)."""
    if BACKEND == "sqlite":
        target = tmp_path / f"copy-{secrets.token_hex(4)}.sqlite3"
        shutil.copyfile(template_url.removeprefix("sqlite:///"), target)
        return f"sqlite:///{target}"
    snapshot = _snapshot(database_name(template_url))
    if not _free:
        return create_postgres_database(template=database_name(template_url))
    name = _free.pop()
    try:
        _reset(name, snapshot)
    except Exception:
        return create_postgres_database(template=database_name(template_url))
    return _sqlalchemy_url(name)


def release(url: str) -> None:
    """Give a database from :func:`copy_of` or :func:`unit_database_url` back to the pool
    (its connections must be closed); SQLite files are left to pytest's tmp_path."""
    if BACKEND == "postgresql":
        _free.append(database_name(url))


def unit_database_url(tmp_path: Path) -> str:
    """A migrated database for one in-process test, holding only what the migrations seed."""
    if BACKEND == "postgresql":
        return copy_of(_sqlalchemy_url(migrated_template()), tmp_path)
    return copy_of(f"sqlite:///{_migrated_sqlite_file()}", tmp_path)


def server_database_url(tmp_path: Path) -> str:
    """An empty database for a server process (its release step migrates it)."""
    if BACKEND == "postgresql":
        return create_postgres_database()
    return f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
