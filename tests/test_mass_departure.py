"""An audience leaving at once (the end of a talk): every departure is cleared and announced,
and the worker keeps answering its gunicorn arbiter meanwhile (chatapp/realtime/namespace.py,
``departure_turn``). Before, the readers of all those connections ran their departures back to
back in one turn of the event loop; with gunicorn's timeout at 4 s the arbiter killed the
worker (WORKER TIMEOUT) and every other socket with it."""
from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests

from tests.chaos_support import require_node
from tests.conftest import server_env
from tests.event_support import join_event
from tests.helpers import ROOT, ChatClient, ServerProcess

CROWD = 1000


@pytest.fixture
def touchy_server(tmp_path):
    """A server whose arbiter kills a worker silent for 4 s (gunicorn's default is 30)."""
    require_node()
    proc = ServerProcess(server_env(tmp_path, GUNICORN_CMD_ARGS="--timeout 4",
                                    RATE_LIMITS_ENABLED="false"))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def participant_count(server, event_id: str) -> int:
    return requests.get(f"{server.url}/api/events/{event_id}", timeout=10).json()["participantCount"]


def test_an_audience_leaving_at_once_is_cleared_without_stalling_the_worker(touchy_server):
    server, event_id = touchy_server, "farewell"
    watcher = ChatClient(server.url)
    join_event(watcher, event_id, "host")
    crowd = subprocess.Popen(["node", str(ROOT / "tests" / "crowd_clients.mjs")],
                             cwd=ROOT / "tests", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "URL": server.url,
                                             "COUNT": str(CROWD), "EVENT_ID": event_id})
    try:
        assert crowd.stdout.readline().strip() == "joined"
        assert participant_count(server, event_id) == CROWD + 1
        crowd.stdin.write("go\n")
        crowd.stdin.flush()
        crowd.wait(timeout=30)
        deadline = time.monotonic() + 90
        while participant_count(server, event_id) > 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert participant_count(server, event_id) == 1
        # The one who stayed never lost their connection, and hears the room still.
        assert watcher.sio.connected
        assert watcher.call("sendMessage", "still here")["ok"]
        assert "WORKER TIMEOUT" not in server.log_path.read_text()
    finally:
        crowd.kill()
        watcher.close()
