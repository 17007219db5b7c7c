"""Scale-out harness: two server processes sharing one PostgreSQL database and one Redis.

Both processes are started exactly like the Procfile's ``web:`` line (``ServerProcess``), on
different ports, with the same ``DATABASE_URL`` and ``REDIS_URL``. PostgreSQL and Redis are
required: when one is unreachable the tests FAIL under CI (env ``CI`` set) and SKIP elsewhere,
with a message saying what is missing (as ``tests.databases.require_postgres`` does).

The shared Redis is ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/13``, a db number of
our own, flushed at teardown). Tests that stop Redis use a private ``redis-server`` instead.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests import databases
from tests.helpers import ChatClient, ServerProcess, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message + " (CI requires it)", pytrace=False)
    pytest.skip(message)


def require_redis(url: str = REDIS_URL) -> None:
    """Fail under CI, skip elsewhere, when the Redis at ``url`` does not answer PING."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # any failure to reach it
        _unavailable(f"Redis unreachable at {url}: {exc}")


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.flushdb()
    finally:
        client.close()


def spread_ids(database_url: str) -> None:
    """Start user, room and message ids at a random offset. Redis pub/sub ignores the db
    number, so every cluster on the shared Redis hears every other's broadcasts, addressed to
    channels such as ``room:6`` and ``user:3``: with ids of their own, concurrent test runs
    (other checkouts on this machine) cannot reach each other's sockets."""
    import psycopg

    dsn = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as conn:
        for table in ("users", "rooms", "messages"):
            start = 1_000_000 + secrets.randbelow(1_000_000_000)
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"greatest({start}, (SELECT coalesce(max(id), 0) + 1 FROM {table})))")


class Cluster:
    """Two server processes, ``a`` and ``b``, on one database and one Redis."""

    def __init__(self, tmp: Path, redis_url: str, **extra: str) -> None:
        self.env = {
            "DATABASE_URL": databases.create_postgres_database(),  # fails/skips if unreachable
            "REDIS_URL": redis_url,
            "SECRET_KEY": "scaleout-secret",
            "CLIENT_URL": "http://localhost:3000",
            "TEST_LOG_DIR": str(tmp),
            **extra,
        }
        self.a = ServerProcess(self.env)
        self.b = ServerProcess(self.env)

    def start(self) -> "Cluster":
        self.a.migrate()  # once, before both start
        spread_ids(self.env["DATABASE_URL"])
        self.a.start()
        self.b.start()
        return self

    def stop(self) -> None:
        for server in (self.a, self.b):
            server.stop()

    def logs(self) -> str:
        """The tail of both servers' logs, for assertion messages."""
        parts = []
        for name, server in (("A", self.a), ("B", self.b)):
            text = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
            parts.append(f"--- server {name} ({server.log_path}) ---\n{text[-2500:]}")
        return "\n".join(parts)


class Clients:
    """Recording Socket.IO clients on any server; all closed at teardown."""

    def __init__(self) -> None:
        self.all: list[ChatClient] = []

    def connect(self, server: ServerProcess) -> ChatClient:
        client = ChatClient(server.url)
        self.all.append(client)
        return client

    def login(self, server: ServerProcess, name: str) -> ChatClient:
        client = self.connect(server)
        client.login(name)
        return client

    def tab(self, server: ServerProcess, first: ChatClient) -> ChatClient:
        """Another socket of ``first``'s user, on ``server``, resumed with its token."""
        client = self.connect(server)
        ack = client.call("user:login", {"token": first.token})
        assert ack["ok"] and ack["user"]["userId"] == first.user["userId"], ack
        client.user, client.token = ack["user"], ack["token"]
        return client

    def close(self) -> None:
        for client in self.all:
            try:
                client.close()
            except Exception:  # a socket of a killed server may already be gone
                pass


class RedisServer:
    """A private ``redis-server`` that a test may kill and start again on the same port."""

    def __init__(self, tmp: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            _unavailable("the redis-server binary is not installed (needed to restart Redis)")
        self.binary, self.tmp = binary, tmp
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        log = open(self.tmp / f"redis-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            try:
                require_redis(self.url)
                return self
            except (pytest.skip.Exception, pytest.fail.Exception):
                time.sleep(0.1)
        raise RuntimeError(f"redis-server on port {self.port} did not answer within 10 s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)
        self.process = None


def health_reaches(server: ServerProcess, status: int, timeout: float = 10) -> tuple[int, dict]:
    """Poll ``/api/health`` until it answers ``status``; return the last (status, body)."""
    last: list[tuple[int, dict]] = []

    def check() -> bool:
        response = requests.get(server.url + "/api/health", timeout=10)
        last.append((response.status_code, response.json()))
        return response.status_code == status

    wait_until(check, timeout)
    return last[-1]


def wait_until(condition, timeout: float, interval: float = 0.2):
    """Poll ``condition`` until it returns something truthy (returned) or ``timeout`` passes
    (None)."""
    deadline = time.time() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.time() > deadline:
            return None
        time.sleep(interval)


def exactly_once(client: ChatClient, event: str, where, *, timeout: float = 10):
    """Wait for one matching event, give duplicates a moment to arrive, insist on one."""
    got = client.wait_for(event, where, timeout=timeout)
    time.sleep(0.3)
    matches = client.received(event, where)
    assert len(matches) == 1, f"{event} arrived {len(matches)} times: {matches}"
    return got


def uid(client: ChatClient) -> int:
    return client.user["userId"]


def new_room(client: ChatClient, unique) -> int:
    """A fresh community room created by ``client`` (who is then in it)."""
    ack = client.call("room:create", {"name": unique("room"), "category": "testing"})
    assert ack["ok"], ack
    return ack["roomId"]


def join(client: ChatClient, room_id: int) -> None:
    ack = client.call("room:join", {"roomId": room_id})
    assert ack["ok"], ack


def send(client: ChatClient, room_id: int, text: str) -> dict:
    ack = client.call("room:message", {"roomId": room_id, "message": text})
    assert ack["ok"], ack
    return ack["message"]


# --- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two processes on one PostgreSQL database and the shared Redis (our own db number)."""
    require_redis(REDIS_URL)
    tmp = tmp_path_factory.mktemp("cluster")
    pair = Cluster(tmp, REDIS_URL)
    try:
        yield pair.start()
    finally:
        pair.stop()
        flush_redis(REDIS_URL)


@pytest.fixture
def clients():
    made = Clients()
    yield made
    made.close()


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server on a free port (never the machine's shared Redis)."""
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()
