"""SIGTERM hand-off: a process shutting down takes no new connection, then closes its
sockets; their clients reconnect to the other node and recover their sessions."""
from __future__ import annotations

import signal
import time
import uuid

import pytest

from chatapp.cluster import lifecycle
from tests.chaos_support import figures, make_rooms, require_node, run_clients
from tests.helpers import ChatClient
from tests.network_cut import CuttableLink


def test_a_process_shutting_down_refuses_handshakes_and_health(app, monkeypatch):
    client = app.test_client()
    assert client.get("/socket.io/?EIO=4&transport=polling").status_code == 200
    monkeypatch.setattr(lifecycle, "_shutting_down", True)
    refused = client.get("/socket.io/?EIO=4&transport=polling")
    assert refused.status_code == 503
    assert client.get("/api/health").status_code == 503


@pytest.mark.scaleout
def test_sigterm_hands_clients_off_to_the_other_node(tmp_path):
    from tests.scaleout_support import REDIS_URL, Cluster, flush_redis, require_redis

    require_node()
    require_redis(REDIS_URL)
    cluster = Cluster(tmp_path, REDIS_URL, RATE_LIMITS_ENABLED="0",
                      SOCKETIO_CHANNEL=f"handoff-{uuid.uuid4().hex[:8]}").start()
    # A balancer that prefers A and fails over to B once A stops listening.
    to_a = CuttableLink(cluster.a.port, cluster.b.port).start()
    to_b = CuttableLink(cluster.b.port, cluster.a.port).start()
    took: list[float] = []
    # Someone on B who shows everyone's presence and sits in the rooms.
    watcher = ChatClient(cluster.b.url)
    seen_during_handoff: list[str] = []
    try:
        rooms = make_rooms(cluster.b.url, 2, "term")
        watcher.login("termwatcher")
        assert watcher.call("presence:watch", {"everyone": True})["ok"]
        for room in rooms:
            assert watcher.call("room:join", {"roomId": room})["ok"]

        def chaos() -> None:
            time.sleep(3)
            watcher.clear()
            started = time.time()
            cluster.a.stop(signal.SIGTERM)
            took.append(time.time() - started)
            time.sleep(3)  # A's clients are back, on B
            seen_during_handoff.extend(
                event for event in ("user:offline", "room:user:left", "user:online",
                                    "room:user:joined") if watcher.received(event))

        result = run_clients(receivers=[to_a.url, to_a.url, to_b.url],
                             senders=[to_a.url, to_b.url], rooms=rooms, chaos=chaos,
                             send_seconds=9, tag="term")
        got = figures(result)
        print(f"\nSIGTERM hand-off: {got}, node A stopped in {took[0]:.1f} s")
        assert (got["lost"], got["duplicated"], got["out_of_order"]) == (0, 0, 0), got
        assert got["reconnects"] >= 3 and got["recovered"] == got["reconnects"], got
        assert got["all_connected"], got  # all on B now
        # A client accepted by the dying process would have held it for gunicorn's whole
        # graceful timeout (30 s).
        assert took[0] < 10, took
        # Their sessions took their presence over: nobody saw them leave and come back.
        assert seen_during_handoff == [], seen_during_handoff
    finally:
        watcher.close()
        to_a.close()
        to_b.close()
        cluster.stop()
        flush_redis(REDIS_URL)
