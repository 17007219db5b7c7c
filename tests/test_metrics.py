"""``/metrics`` on a real server: who may scrape it, and that the values move with what
clients do (chatapp/observability, docs/deploy.md "Metrics")."""
from __future__ import annotations

import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import server_env
from tests.e2e_support import api_get, join, login, new_room, send, uid
from tests.helpers import ServerProcess

TOKEN = "scrape-secret"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server whose /metrics needs a bearer token (and so nothing else shares its counts)."""
    proc = ServerProcess(server_env(tmp_path_factory.mktemp("metrics"), METRICS_TOKEN=TOKEN))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def scrape(server) -> dict[tuple[str, tuple], float]:
    """Every sample as {(name, sorted labels): value}."""
    response = requests.get(server.url + "/metrics", timeout=10,
                            headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    """A sample's value; a series not yet reported counts as 0."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def moved(before: dict, after: dict, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_scraping_needs_the_bearer_token(server):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = requests.get(server.url + "/metrics", headers=headers, timeout=10)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert "chat_" not in response.text


def test_values_move_when_messages_are_sent_and_refused(server, connect, unique):
    ana = login(connect, unique("ana"))
    bob = login(connect, unique("bob"))
    room = new_room(ana, unique)
    join(bob, room)
    before = scrape(server)

    sent = send(ana, room, "counted once")
    bob.wait_for("room:message:new", lambda d: d["message"]["id"] == sent["id"])
    ack = ana.call("message:private", {"to": uid(bob), "message": "psst"})
    assert ack["ok"], ack
    bob.wait_for("message:private")
    refused = bob.call("room:message", {"roomId": room + 1000, "message": "not a member"})
    assert refused["error"]["code"] == "not_member"
    assert api_get(server, "/api/rooms/999999/messages").status_code == 404
    after = scrape(server)

    assert moved(before, after, "chat_messages_stored_total", kind="room") == 1
    assert moved(before, after, "chat_messages_stored_total", kind="private") == 1
    # The room message reached both sockets in the room; the private one the recipient's.
    assert moved(before, after, "chat_messages_delivered_total", event="room:message:new") == 2
    assert moved(before, after, "chat_messages_delivered_total", event="message:private") == 1
    assert moved(before, after, "chat_emits_total", event="room:message:new") == 1
    assert moved(before, after, "chat_emits_total", event="message:private:sent") == 1
    assert moved(before, after, "chat_socket_handler_seconds_count", event="room:message") == 2
    assert moved(before, after, "chat_socket_handler_seconds_bucket", event="room:message",
                 le="+Inf") == 2
    assert moved(before, after, "chat_socket_handler_seconds_sum", event="room:message") > 0
    assert moved(before, after, "chat_refusals_total", code="not_member", transport="socket") == 1
    assert moved(before, after, "chat_refusals_total", code="not_found", transport="http") == 1
    assert moved(before, after, "chat_http_request_seconds_count",
                 endpoint="api.room_messages") >= 1


def test_connections_logins_and_the_database_pool(server, connect, unique):
    before = scrape(server)
    first = login(connect, unique("carol"))
    second_socket = connect()
    ack = second_socket.call("user:login", {"username": "x", "token": first.token})
    assert ack["ok"], ack
    refused = connect().call("user:login", {"username": "y", "token": "forged"})
    assert refused["error"]["code"] == "auth_failed"
    during = scrape(server)

    assert moved(before, during, "chat_logins_total", method="guest", outcome="ok") == 1
    assert moved(before, during, "chat_logins_total", method="token", outcome="ok") == 1
    assert moved(before, during, "chat_logins_total", method="token", outcome="failed") == 1
    assert value(during, "chat_connected_sockets") >= 3  # ours (earlier tests' may be closing)
    assert value(during, "chat_connected_users") >= 1
    assert value(during, "chat_db_pool_limit") >= 1
    assert value(during, "chat_db_pool_connections", state="idle") >= 1
    # No message queue configured: no Redis series at all, rather than a false "down".
    assert not [key for key in during if key[0].startswith("chat_redis_")]

    second_socket.close()
    first.close()
    deadline = time.time() + 10
    while True:  # the server handles a disconnect a moment after the client sent it
        after = scrape(server)
        if moved(during, after, "chat_socket_handler_seconds_count", event="disconnect") >= 2:
            break
        assert time.time() < deadline, "the disconnects were not measured"
        time.sleep(0.2)
    assert value(during, "chat_connected_sockets") - value(after, "chat_connected_sockets") >= 2
