"""Chaos: stock socket.io-client clients through cuttable links while senders send; links
cut, a server killed and restarted, one of two nodes killed. Nothing acknowledged is lost,
nothing arrives twice, each sender's messages arrive in order, and every reconnect is a
recovered session (``socket.recovered``). Each scenario prints its figures."""
from __future__ import annotations

import signal
import time
import uuid
from urllib.parse import urlsplit

import pytest

from tests.chaos_support import figures, make_rooms, require_node, run_clients
from tests.conftest import server_env
from tests.helpers import ServerProcess
from tests.network_cut import CuttableLink


@pytest.fixture(autouse=True)
def _node():
    require_node()


def assert_clean(name: str, got: dict) -> None:
    print(f"\nchaos {name}: {got}")
    assert got["acked"] > 30, got
    assert (got["lost"], got["duplicated"], got["out_of_order"]) == (0, 0, 0), got
    assert got["reconnects"] > 0 and got["recovered"] == got["reconnects"], got
    assert got["not_recovered"] == 0 and got["all_connected"], got


def test_link_cuts(tmp_path):
    server = ServerProcess(server_env(tmp_path, RATE_LIMITS_ENABLED="0"))
    server.migrate()
    server.start()
    links = [CuttableLink(server.port).start() for _ in range(3)]
    try:
        rooms = make_rooms(server.url, 2, "cut")

        def chaos() -> None:
            for n, outage in enumerate((0.6, 1.2, 0.4, 1.0, 0.8)):
                time.sleep(0.8)
                victims = [links[n % 3], links[(n + 1) % 3]]  # receivers and senders alike
                for link in victims:
                    link.cut()
                time.sleep(outage)
                for link in victims:
                    link.restore()

        result = run_clients(receivers=[links[0].url, links[1].url, links[2].url],
                             senders=[links[0].url, links[2].url], rooms=rooms, chaos=chaos,
                             send_seconds=10, tag="cut")
        assert_clean("link cuts", figures(result))
    finally:
        for link in links:
            link.close()
        server.stop()


def test_server_killed_and_restarted(tmp_path):
    server = ServerProcess(server_env(tmp_path, RATE_LIMITS_ENABLED="0"))
    server.migrate()
    server.start()
    try:
        rooms = make_rooms(server.url, 2, "kill")

        def chaos() -> None:
            time.sleep(3)
            server.stop(signal.SIGKILL)
            server.start()

        result = run_clients(receivers=[server.url] * 3, senders=[server.url] * 2, rooms=rooms,
                             chaos=chaos, send_seconds=10, tag="kill")
        assert_clean("SIGKILL and restart", figures(result))
    finally:
        server.stop()


@pytest.mark.scaleout
def test_one_of_two_nodes_killed(tmp_path):
    from tests.scaleout_support import REDIS_URL, Cluster, flush_redis, require_redis

    require_redis(REDIS_URL)
    # A channel of our own: other clusters on the shared Redis must not reach our sockets.
    cluster = Cluster(tmp_path, REDIS_URL, RATE_LIMITS_ENABLED="0",
                      SOCKETIO_CHANNEL=f"chaos-{uuid.uuid4().hex[:8]}")
    # Node A is far from Redis: B's events reach it 150 ms after they took their offsets, so
    # A's own events must not overtake them on the way to A's sockets (a socket that saw N+1
    # before N resumes after the wrong one: N+1 twice, or N never).
    redis = urlsplit(REDIS_URL)
    slow_redis = CuttableLink(redis.port or 6379, slow_subscriptions=0.15).start()
    cluster.a = ServerProcess({**cluster.env, "REDIS_URL": redis._replace(
        netloc=f"127.0.0.1:{slow_redis.port}").geturl()})
    cluster.start()
    # Clients of A fail over to B when A is gone; clients of B stay.
    to_a = CuttableLink(cluster.a.port, cluster.b.port).start()
    to_b = CuttableLink(cluster.b.port, cluster.a.port).start()
    try:
        rooms = make_rooms(cluster.a.url, 2, "node")

        def chaos() -> None:
            time.sleep(3)
            cluster.a.stop(signal.SIGKILL)
            to_a.cut()  # the balancer drops what went to the dead node
            to_a.restore()

        result = run_clients(receivers=[to_a.url, to_b.url, to_a.url],
                             senders=[to_a.url, to_b.url], rooms=rooms, chaos=chaos,
                             send_seconds=8, tag="node")
        assert_clean("one of two nodes killed", figures(result))
    finally:
        to_a.close()
        to_b.close()
        cluster.stop()
        slow_redis.close()
        flush_redis(REDIS_URL)
