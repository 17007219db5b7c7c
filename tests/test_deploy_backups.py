"""docs/deploy.md "Backups and restore", with its commands, against a running server: a
backup taken while it serves holds what was committed before it, and a restore (server
stopped, release step, started) brings exactly that back. SQLite (`sqlite3 .backup`) in the
SQLite pass, PostgreSQL (`pg_dump` / `pg_restore`) in the PostgreSQL pass."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import databases
from tests.e2e_support import login, new_room, room_page, send


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} not installed (scripts/setup.sh --deploy-tools installs it)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI requires it)", pytrace=False)
        pytest.skip(message)
    return path


def sqlite_file(server) -> Path:
    return Path(server.env["DATABASE_URL"].removeprefix("sqlite:///"))


def postgres_dsn(server) -> str:
    return server.env["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)


def back_up(server, backup: Path) -> None:
    if databases.BACKEND == "sqlite":
        # sqlite3 chat.sqlite3 ".backup '/var/backups/chat/chat-DATE.sqlite3'"
        subprocess.run([require("sqlite3"), str(sqlite_file(server)), f".backup '{backup}'"],
                       check=True, capture_output=True)
    else:
        # pg_dump --format=custom --file=/var/backups/chat/chat-DATE.dump chat
        subprocess.run([require("pg_dump"), "--format=custom", f"--file={backup}",
                        f"--dbname={postgres_dsn(server)}"], check=True, capture_output=True)


def restore(server, backup: Path) -> None:
    """With the server stopped, as the guide says."""
    if databases.BACKEND == "sqlite":
        database = sqlite_file(server)
        shutil.copyfile(backup, database)
        for suffix in ("-wal", "-shm"):  # the old write-ahead log would replay newer writes
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        name = postgres_dsn(server).rsplit("/", 1)[1]
        with psycopg.connect(databases.ADMIN_DSN, autocommit=True) as admin:  # dropdb, createdb
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name} ENCODING 'UTF8'")
        subprocess.run([require("pg_restore"), f"--dbname={postgres_dsn(server)}", "--no-owner",
                        str(backup)], check=True, capture_output=True)


def test_a_backup_taken_while_serving_restores_what_it_holds(server, connect, unique, tmp_path):
    author = login(connect, unique("ana"))
    room = new_room(author, unique)
    kept = send(author, room, "before the backup")
    backup = tmp_path / ("chat.sqlite3" if databases.BACKEND == "sqlite" else "chat.dump")
    back_up(server, backup)
    lost = send(author, room, "after the backup")
    author.close()

    server.stop()
    restore(server, backup)
    server.migrate()  # the release step: brings an older backup up to the code's schema
    server.start()
    ids = [message["id"] for message in room_page(server, room)["messages"]]
    assert kept["id"] in ids and lost["id"] not in ids
    # The restored database takes new messages (its id sequences came back too).
    again = login(connect, unique("bea"))
    assert again.call("room:join", {"roomId": room})["ok"]
    assert send(again, room, "after the restore")["id"] > kept["id"]
