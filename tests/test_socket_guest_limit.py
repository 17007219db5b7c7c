"""Socket guest creation is limited per address (``RATE_LIMIT_GUEST_CREATE``), for
``user:login`` and for ``joinEvent`` alike, against a real server."""
from __future__ import annotations

import pytest

from tests.conftest import server_env
from tests.e2e_support import assert_refused
from tests.helpers import ChatClient, ServerProcess


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("guest-limit")
    proc = ServerProcess(server_env(tmp, RATE_LIMIT_GUEST_CREATE="3/hour"))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def test_the_fourth_guest_from_one_address_is_rate_limited(limited_server):
    clients = [ChatClient(limited_server.url) for _ in range(5)]
    try:
        for i, client in enumerate(clients[:2]):
            client.login(f"guest{i}")
        ack = clients[2].call("joinEvent", {"username": "viaevent", "eventId": "ev-limit"})
        assert ack["ok"], ack
        error = assert_refused(clients[3], "user:login", {"username": "fourth"},
                               code="rate_limited")
        assert error["retryAfter"] > 0
        assert_refused(clients[4], "joinEvent", {"username": "fifth", "eventId": "ev-limit"},
                       code="rate_limited")
        # An identity that exists is not a new guest: resuming it still works.
        resumed = clients[4].call("user:login", {"token": clients[0].token})
        assert resumed["ok"] and resumed["user"]["userId"] == clients[0].user["userId"]
    finally:
        for client in clients:
            client.close()
