"""What a server process logs with LOG_FORMAT=json: one JSON object per line (gunicorn's own
lines included), the start-up line, an access log with the request id and user id, refusals
at their level, and never a message's text or a token (chatapp/observability/logs.py)."""
from __future__ import annotations

import json
import re
import secrets
import time

import pytest
import requests

from chatapp.observability import logs
from tests.conftest import server_env
from tests.e2e_support import api_get, login, new_room, send, uid
from tests.helpers import ServerProcess, free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JSON logs, one trusted proxy in front, metrics on an internal address of their own."""
    metrics_port = free_port()
    proc = ServerProcess(server_env(tmp_path_factory.mktemp("logging"), LOG_FORMAT="json",
                                    PROXY_COUNT="1",
                                    METRICS_ADDRESS=f"127.0.0.1:{metrics_port}"))
    proc.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def log_lines(server) -> list[str]:
    return [line for line in server.log_path.read_text().splitlines() if line.strip()]


def records(server) -> list[dict]:
    return [json.loads(line) for line in log_lines(server)]


def wait_for_record(server, where, timeout: float = 10) -> dict:
    """The first record matching ``where``, once the server has written it."""
    deadline = time.time() + timeout
    while True:
        found = [record for record in records(server) if where(record)]
        if found:
            return found[0]
        assert time.time() < deadline, "no such log record; the log ends with:\n" + \
            "\n".join(log_lines(server)[-15:])
        time.sleep(0.1)


def test_the_start_up_line_says_where_it_listens_and_what_it_uses(server):
    line = wait_for_record(server, lambda r: r["message"].startswith("chat server listening"))
    assert line["level"] == "INFO" and line["logger"] == "chatapp.server"
    assert line["listening"] == f"http://0.0.0.0:{server.port}"
    database = server.env["DATABASE_URL"]
    if database.startswith("sqlite"):
        assert line["database"] == database
    else:  # PostgreSQL: same server and database name, any password masked
        assert line["database"].rsplit("/", 1)[1] == database.rsplit("/", 1)[1]
    assert "message_queue" not in line  # none configured: one process
    assert "message queue none" in line["message"]
    assert line["metrics"] == "internal"


def test_access_log_carries_the_proxys_request_id_and_the_user(server, connect, unique):
    ana = login(connect, unique("ana"))
    response = requests.get(server.url + "/api/users/me", timeout=10, headers={
        "Authorization": f"Bearer {ana.token}", "X-Request-ID": "edge-42.a",
        "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "edge-42.a"
    line = wait_for_record(server, lambda r: r.get("request_id") == "edge-42.a")
    assert line["logger"] == "chatapp.access" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/users/me", 200)
    assert str(line["user_id"]) == str(uid(ana))
    assert line["remote"] == "203.0.113.9"  # the address the trusted proxy saw
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0


def test_without_a_usable_request_id_one_is_made(server):
    for headers in ({}, {"X-Request-ID": "no spaces or quotes\" please"}):
        response = requests.get(server.url + "/api/rooms?secret=in-the-query", timeout=10,
                                headers=headers)
        made = response.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made), made
        line = wait_for_record(server, lambda r: r.get("request_id") == made)
        assert line["path"] == "/api/rooms" and "user_id" not in line
    assert "in-the-query" not in server.log_path.read_text()


def test_refusals_are_logged_by_code_and_level_without_contents(server, connect, unique):
    secret_text = f"text-{secrets.token_hex(8)}"
    ana = login(connect, unique("ana"))
    room = new_room(ana, unique)
    send(ana, room, secret_text + " stored")
    refused = ana.call("room:message", {"roomId": room + 1000, "message": secret_text})
    assert refused["error"]["code"] == "not_member"
    forged = connect().call("user:login", {"username": "mallory", "token": "forged-token"})
    assert forged["error"]["code"] == "auth_failed"

    member = wait_for_record(server, lambda r: r.get("code") == "not_member"
                             and r.get("sid") and str(r.get("user_id")) == str(uid(ana)))
    assert member["level"] == "INFO" and member["logger"] == "chatapp.refusals"
    assert (member["transport"], member["where"]) == ("socket", "room:message")
    auth = wait_for_record(server, lambda r: r.get("code") == "auth_failed")
    assert auth["level"] == "WARNING" and auth["where"] == "user:login"
    wait_for_record(server, lambda r: r["message"] == "socket connected"
                    and r.get("remote") == "127.0.0.1")
    text = server.log_path.read_text()
    for never in (secret_text, ana.token, "forged-token", "mallory"):
        assert never not in text, never


def test_every_line_is_one_json_object(server):
    lines = log_lines(server)
    assert any('"logger": "gunicorn.error"' in line for line in lines)  # gunicorn's too
    for line in lines:
        record = json.loads(line)
        assert isinstance(record, dict)
        assert {"time", "level", "logger", "message", "pid"} <= set(record), record
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"])


def test_metrics_are_served_on_the_internal_address_only(server):
    assert api_get(server, "/metrics").status_code == 404
    response = requests.get(server.metrics_url, timeout=10)
    assert response.status_code == 200
    assert "chat_http_responses_total" in response.text
    assert requests.get(server.metrics_url.replace("/metrics", "/other"),
                        timeout=10).status_code == 404


def test_a_flood_of_rate_limited_refusals_is_a_few_log_lines(caplog):
    """Each refusal is counted in the metrics; the log gets at most 30 lines a minute of
    rate_limited ones, and the next line says how many were held back."""
    budget = logs.LineBudget(per_minute=30)
    taken = [budget.take(now=100.0) for _ in range(1000)]
    assert taken[:30] == [0] * 30 and taken[30:] == [None] * 970
    assert budget.take(now=161.0) == 970  # a new minute: the first line counts the rest
    with caplog.at_level("WARNING", logger="chatapp.refusals"):
        for _ in range(200):
            logs.log_refusal("socket", "react", "rate_limited")
        logs.log_refusal("socket", "room:message", "forbidden")  # other codes: every one
    lines = [r.getMessage() for r in caplog.records if r.name == "chatapp.refusals"]
    assert len([line for line in lines if "rate_limited" in line]) <= 30
    assert lines[-1] == "refused socket room:message: forbidden"
