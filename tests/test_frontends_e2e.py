"""The real front ends of both old backends, replayed in Node with the stock socket.io-client.

One server process listens on two ports, as a deployment replacing both old servers does
(``gunicorn ... -b 0.0.0.0:4000 -b 0.0.0.0:5000``): the community chat's Next.js client talks
to the first (its REST sign-up and sign-in, user:login with the app's JWTs, rooms, private
messages by the app's ids), the live event chat's React client to the second (joinEvent,
messages with display times, typing, leaving and logging in again). Each replay is a script
in ``tests/frontends/`` (see its header for what it does) that exits non-zero on the first
difference from what the old server did; here we start the server and run them.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import requests

from tests.conftest import server_env
from tests.helpers import ROOT, ServerProcess, free_port

JWT_SECRET = "the-host-apps-jwt-secret-shared-with-this-server"
COMMUNITY_ORIGIN, LIVE_ORIGIN = "http://localhost:3000", "http://localhost:3001"
ZONE = "America/New_York"  # display times must follow EVENT_TIME_ZONE, not the server's clock


@pytest.fixture(scope="module")
def two_ports(tmp_path_factory):
    """One server process bound to two ports: (community URL, live-event URL)."""
    if shutil.which("node") is None:
        if os.environ.get("CI"):
            pytest.fail("node is needed for the front-end replays (scripts/setup.sh --dev)")
        pytest.skip("node is not installed")
    tmp = tmp_path_factory.mktemp("frontends")
    second = free_port()
    env = server_env(tmp, JWT_SECRET=JWT_SECRET, EVENT_TIME_ZONE=ZONE,
                     CLIENT_URL=f"{COMMUNITY_ORIGIN}, {LIVE_ORIGIN}")
    server = ServerProcess(env, extra_args=["-b", f"127.0.0.1:{second}"])
    server.migrate()
    server.start()
    yield server.url, f"http://127.0.0.1:{second}"
    server.stop()


def replay(script: str, **env: str) -> str:
    result = subprocess.run(["node", str(ROOT / "tests" / "frontends" / script)],
                            env={**os.environ, **env}, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_one_process_answers_on_both_ports(two_ports):
    bodies = [requests.get(f"{url}/api/health", timeout=5).json() for url in two_ports]
    assert bodies[0] == bodies[1] and bodies[0]["database"] == "ok"


def test_the_community_front_end_works_unchanged(two_ports):
    out = replay("community.mjs", COMMUNITY_URL=two_ports[0], PAGE_ORIGIN=COMMUNITY_ORIGIN,
                 JWT_SECRET=JWT_SECRET)
    for done in ("sign-up and sign-in", "user:login with the app's tokens", "rooms: join",
                 "room typing", "private messages and private typing both ways", "status",
                 "room creation", "room history for a newcomer", "GET /api/auth/me"):
        assert f"ok - {done}" in out, out


def test_the_live_event_front_end_works_unchanged(two_ports):
    out = replay("live_events.mjs", LIVE_URL=two_ports[1], PAGE_ORIGIN=LIVE_ORIGIN,
                 EVENT_TIME_ZONE=ZONE)
    for done in ("getActiveEvents answers", "joinEvent", "sendMessage", "typing on focus",
                 "getActiveEvents counts", "leave, then log in again"):
        assert f"ok - {done}" in out, out
