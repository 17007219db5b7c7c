"""Test helpers: a recording Socket.IO client and a real server process."""
from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(kind: str, port: int) -> list[str]:
    """The Procfile line ``kind:`` exactly as written, with $PORT filled in."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            command = line.split(":", 1)[1].strip().replace("$PORT", str(port))
            return shlex.split(command)
    raise AssertionError(f"no {kind}: line in Procfile")


class ServerProcess:
    """The server started the way the Procfile's ``web:`` line starts it."""

    def __init__(self, env: dict[str, str], port: int | None = None, *,
                 extra_args: list[str] | None = None) -> None:
        self.port = port or free_port()
        self.extra_args = extra_args or []  # e.g. a second ``-b`` to listen on two ports
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "PORT": str(self.port),
                    "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        self.process: subprocess.Popen | None = None
        self.log_path = Path(env.get("TEST_LOG_DIR", "/tmp")) / f"chat-server-{self.port}.log"

    def migrate(self) -> None:
        subprocess.run(procfile_command("release", self.port), cwd=ROOT, env=self.env,
                       check=True, capture_output=True)

    def start(self) -> "ServerProcess":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(procfile_command("web", self.port) + self.extra_args,
                                        cwd=ROOT,
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not answer within 30 s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def strip_offset(args: tuple) -> tuple[tuple, str | None]:
    """Split off the trailing recovery offset (Socket.IO v4.6+ connection state recovery: a
    decimal string after the payload) that the server appends to every non-volatile event."""
    if len(args) >= 2 and isinstance(args[-1], str) and args[-1].isdigit():
        return args[:-1], args[-1]
    return args, None


class ChatClient:
    """A python-socketio client that records every event it receives."""

    def __init__(self, url: str, *, auth: dict | None = None, headers: dict | None = None,
                 transports: list[str] | None = None) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: list[tuple[str, object]] = []
        self.offsets: list[str] = []  # connection state recovery offsets, in arrival order
        self.logged: list[str] = []  # the events that came with an offset, in the same order
        self._cond = threading.Condition()
        self.sio.on("*", self._record)
        self.pid: str | None = None  # the private session id of the CONNECT answer, if any
        handle_connect = self.sio._handle_connect

        def remember_pid(namespace, data):  # python-socketio keeps only the sid
            if isinstance(data, dict):
                self.pid = data.get("pid")
            return handle_connect(namespace, data)

        self.sio._handle_connect = remember_pid
        self.sio.connect(url, auth=auth, headers=headers or {},
                         transports=transports or ["websocket"], wait_timeout=10)
        self.user: dict | None = None
        self.token: str | None = None

    def _record(self, event, *args):
        args, offset = strip_offset(args)
        with self._cond:
            if offset is not None:
                self.offsets.append(offset)
                self.logged.append(event)
            self.events.append((event, args[0] if len(args) == 1 else list(args)))
            self._cond.notify_all()

    def emit(self, event: str, *data) -> None:
        self.sio.emit(event, data[0] if len(data) == 1 else (data if data else None))

    def call(self, event: str, *data, timeout: float = 10):
        """Emit with an acknowledgement and return what the server acknowledged."""
        payload = data[0] if len(data) == 1 else (tuple(data) if data else None)
        return self.sio.call(event, payload, timeout=timeout)

    def login(self, username: str, **extra) -> dict:
        ack = self.call("user:login", {"userId": extra.pop("userId", username),
                                       "username": username, "avatar": extra.pop("avatar", None),
                                       **extra})
        assert ack["ok"], ack
        self.user, self.token = ack["user"], ack["token"]
        return ack

    def received(self, event: str, where=None) -> list:
        with self._cond:
            return [data for name, data in self.events
                    if name == event and (where is None or where(data))]

    def wait_for(self, event: str, where=None, *, timeout: float = 5, count: int = 1):
        """Block until ``count`` matching events arrived; return the last of them."""
        deadline = time.time() + timeout
        with self._cond:
            while True:
                found = [data for name, data in self.events
                         if name == event and (where is None or where(data))]
                if len(found) >= count:
                    return found[count - 1]
                remaining = deadline - time.time()
                if remaining <= 0:
                    names = [name for name, _ in self.events]
                    raise AssertionError(f"no {event!r} within {timeout}s; got {names}")
                self._cond.wait(remaining)

    def clear(self) -> None:
        with self._cond:
            self.events.clear()

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def settle(seconds: float = 0.3) -> None:
    """Give events that should NOT arrive a chance to arrive before asserting they did not."""
    time.sleep(seconds)
