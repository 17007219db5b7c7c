"""docs/deploy.md as far as one machine allows: THE documented nginx site (docs/nginx.conf,
changed only in its certificate, ports, server name and backends) with a self-signed
certificate, in front of two server processes started with the Procfile's web line in
production mode, sharing PostgreSQL and Redis.

Needs Debian's nginx and openssl (``scripts/setup.sh --deploy-tools`` installs them): under CI their
absence fails the test, elsewhere it skips with the reason.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio

from tests import databases
from tests.helpers import ROOT, VENV_BIN, ChatClient, ServerProcess, free_port
from tests.page_support import csrf_token, signed_in_as
from tests.scaleout_support import REDIS_URL, flush_redis, require_redis

pytestmark = pytest.mark.scaleout

NGINX = os.environ.get("NGINX_PATH") or shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "correct horse battery staple"


def require_tools() -> None:
    missing = [name for name, path in (("nginx", NGINX), ("openssl", shutil.which("openssl")))
               if not path or not os.access(path, os.X_OK)]
    if missing:
        message = f"{', '.join(missing)} not installed (scripts/setup.sh --deploy-tools installs them)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI requires it)", pytrace=False)
        pytest.skip(message)


def replace(text: str, old: str, new: str, times: int = 1) -> str:
    """Replace what the guide tells an operator to edit; the guide must still contain it."""
    assert text.count(old) == times, f"docs/nginx.conf no longer has {old!r} {times} time(s)"
    return text.replace(old, new)


def documented_site(*, https_port: int, http_port: int, backends: list[str], cert: Path,
                    key: Path, access_log: Path) -> str:
    text = (ROOT / "docs" / "nginx.conf").read_text()
    assert re.search(r"^\s*ip_hash;", text, re.M), "the polling transport needs sticky sessions"
    servers = re.compile(r"(?:^[ \t]*server [0-9.]+:\d+;[^\n]*\n)+", re.M)
    assert len(servers.findall(text)) == 1, "one list of upstream servers"
    text = servers.sub("".join(f"    server {b};\n" for b in backends), text)
    text = replace(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = replace(text, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = replace(text, "server_name chat.example.org;", "server_name localhost;", times=2)
    text = replace(text, "/etc/letsencrypt/live/chat.example.org/fullchain.pem", str(cert))
    text = replace(text, "/etc/letsencrypt/live/chat.example.org/privkey.pem", str(key))
    return replace(text, "/var/log/nginx/chat.access.log", str(access_log))


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


class Nginx:
    """nginx running the documented site, in a folder of its own (no root-owned paths)."""

    def __init__(self, folder: Path, site: str) -> None:
        self.folder = folder
        (folder / "chat.conf").write_text(site)
        # As root nginx's workers would switch to "nobody", who cannot enter pytest's folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log warn;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n    access_log off;\n{temp}    include {folder}/chat.conf;\n}}\n")
        self.command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        self.process: subprocess.Popen | None = None

    def start(self, port: int) -> None:
        check = subprocess.run(self.command + ["-t"], capture_output=True, text=True)
        assert check.returncode == 0, "nginx -t refused the documented site:\n" + check.stderr
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=1, allow_redirects=False)
                return
            except requests.ConnectionError:
                assert self.process.poll() is None, self.process.stderr.read().decode()
                assert time.time() < deadline, "nginx did not start"
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """nginx on https://localhost:PORT in front of processes ``a`` and ``b``."""
    require_tools()
    require_redis(REDIS_URL)
    tmp = tmp_path_factory.mktemp("deploy")
    https_port, http_port = free_port(), free_port()
    env = {"APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": databases.create_postgres_database(), "REDIS_URL": REDIS_URL,
           "SOCKETIO_CHANNEL": f"deploy-test-{secrets.token_hex(4)}",
           "CLIENT_URL": f"https://localhost:{https_port}", "PROXY_COUNT": "1",
           "TEST_LOG_DIR": str(tmp)}
    servers = [ServerProcess({**env, "METRICS_ADDRESS": f"127.0.0.1:{free_port()}"})
               for _ in range(2)]
    servers[0].migrate()  # the release step, once
    subprocess.run([str(VENV_BIN / "flask"), "users", "create-admin", "alice", "--password",
                    PASSWORD], cwd=ROOT, env=servers[0].env, check=True, capture_output=True)
    cert, key = make_certificate(tmp)
    nginx = Nginx(tmp, documented_site(
        https_port=https_port, http_port=http_port, cert=cert, key=key,
        backends=[f"127.0.0.1:{server.port}" for server in servers],
        access_log=tmp / "chat.access.log"))
    try:
        for server in servers:
            server.start()
        nginx.start(http_port)
        yield {"url": f"https://localhost:{https_port}", "http": f"http://localhost:{http_port}",
               "cert": str(cert), "servers": servers, "access_log": tmp / "chat.access.log"}
    finally:
        nginx.stop()
        for server in servers:
            server.stop()
        flush_redis(REDIS_URL)


def browser(site) -> requests.Session:
    session = requests.Session()
    session.verify = site["cert"]  # the self-signed certificate, verified, not ignored
    session.trust_env = False  # else REQUESTS_CA_BUNDLE would take precedence over it
    return session


def sign_in(site, session: requests.Session) -> requests.Response:
    page = session.get(site["url"] + "/login", timeout=10)
    assert page.status_code == 200
    response = session.post(site["url"] + "/login", timeout=10, allow_redirects=False, data={
        "username": "alice", "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.text[:500]
    return response


def served_by(site, request_id: str) -> ServerProcess:
    """The process whose access log has this request id (nginx made it: PROXY_COUNT=1)."""
    found = [server for server in site["servers"]
             if f"request_id={request_id}" in server.log_path.read_text()]
    assert len(found) == 1, f"request {request_id} in {len(found)} server logs"
    return found[0]


class SocketThroughNginx:
    """A Socket.IO client of the site (through nginx, over TLS) with the browser's cookie."""

    def __init__(self, site, session: requests.Session, transport: str) -> None:
        self.events: list[tuple[str, object]] = []
        self.arrived = threading.Condition()
        self.sio = socketio.Client(http_session=session, reconnection=False)
        self.sio.on("*", self.record)
        self.sio.connect(site["url"], transports=[transport], wait_timeout=10)

    def record(self, event, data=None, *_offset):  # the recovery offset is ignored
        with self.arrived:
            self.events.append((event, data))
            self.arrived.notify_all()

    def wait_for(self, event: str, timeout: float = 10):
        with self.arrived:
            assert self.arrived.wait_for(
                lambda: any(name == event for name, _ in self.events), timeout), event
            return next(data for name, data in self.events if name == event)


def test_http_redirects_to_https(site):
    response = requests.get(site["http"] + "/login?next=/rooms/1", allow_redirects=False,
                            timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/login?next=/rooms/1"


def test_sign_in_over_https_with_a_secure_cookie_on_either_process(site):
    session = browser(site)
    response = sign_in(site, session)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Secure" in cookie and "HttpOnly" in cookie
    home = session.get(site["url"] + "/", timeout=10)
    assert signed_in_as(home.text) == "alice"
    request_id = home.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, passed through
    assert f"id={request_id}" in site["access_log"].read_text()  # nginx's log has it too
    served_by(site, request_id)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_sockets_through_nginx_reach_both_processes(site, transport):
    session = browser(site)
    sign_in(site, session)
    # Listeners on each process directly (as on the private network): one of them is not the
    # process nginx picks for us, so the message must cross through Redis to reach it.
    listeners = [ChatClient(server.url) for server in site["servers"]]
    client = None
    try:
        for listener in listeners:
            listener.login(f"listener{secrets.token_hex(3)}")
            assert listener.call("room:join", {"roomId": 1})["ok"]
        client = SocketThroughNginx(site, session, transport)
        assert client.wait_for("user:session")["username"] == "alice"  # the session cookie
        assert client.sio.transport() == transport
        assert client.sio.call("room:join", {"roomId": 1}, timeout=10)["ok"]
        text = f"over {transport} {secrets.token_hex(4)}"
        ack = client.sio.call("room:message", {"roomId": 1, "message": text}, timeout=10)
        assert ack["ok"], ack
        for listener in listeners:
            got = listener.wait_for("room:message:new",
                                    lambda d: d["message"]["content"] == text, timeout=10)
            assert got["message"]["sender"] == "alice"
    finally:
        if client is not None:
            client.sio.disconnect()
        for listener in listeners:
            listener.close()


def test_metrics_stay_off_the_public_site(site):
    assert browser(site).get(site["url"] + "/metrics", timeout=10).status_code == 404
    for server in site["servers"]:
        internal = server.env["METRICS_ADDRESS"]
        response = requests.get(f"http://{internal}/metrics", timeout=10)
        assert response.status_code == 200 and "chat_http_responses_total" in response.text
        # The message queue's health, by the channel this deployment uses.
        channel = server.env["SOCKETIO_CHANNEL"]
        assert f'chat_redis_up{{channel="{channel}"}} 1.0' in response.text


def test_a_restarting_process_leaves_the_site_up(site):
    """A rolling restart (last: it stops a process): nginx sends the clients of the process
    that stopped to the other, which honours the same cookie (one SECRET_KEY, one database)."""
    session = browser(site)
    sign_in(site, session)
    first = session.get(site["url"] + "/", timeout=10)
    serving = served_by(site, first.headers["X-Request-ID"])
    serving.stop()
    # It stopped by itself (SIGTERM, graceful), not killed after ServerProcess's 15 s wait:
    # nothing nginx keeps open may hold it.
    assert "Worker exiting" in serving.log_path.read_text()
    again = session.get(site["url"] + "/", timeout=10)
    assert again.status_code == 200 and signed_in_as(again.text) == "alice"
    assert served_by(site, again.headers["X-Request-ID"]) is not serving
