"""A Redis outage: sockets of one process keep hearing each other; when Redis returns,
delivery across processes resumes by itself (no restart)."""
from __future__ import annotations

import signal
import time

import pytest

from tests.scaleout_support import (  # noqa: F401
    Clients,
    Cluster,
    exactly_once,
    join,
    new_room,
    redis_server,
    send,
    wait_until,
)

pytestmark = pytest.mark.scaleout


@pytest.fixture
def queue_cluster(tmp_path, redis_server):  # noqa: F811
    pair = Cluster(tmp_path, redis_server.url)
    try:
        yield pair.start()
    finally:
        pair.stop()


def test_same_process_delivery_survives_a_redis_outage(queue_cluster, redis_server, unique):  # noqa: F811
    a, b = queue_cluster.a, queue_cluster.b
    clients = Clients()
    try:
        ana, cara = clients.login(a, unique("ana")), clients.login(a, unique("cara"))
        ben = clients.login(b, unique("ben"))
        room = new_room(ana, unique)
        join(cara, room)
        join(ben, room)

        redis_server.kill(signal.SIGKILL)
        started = time.time()
        down = send(ana, room, "redis is down")
        assert time.time() - started < 3  # the sender is not kept waiting
        # cara is on ana's process: she hears it live, once.
        assert exactly_once(cara, "room:message:new",
                            lambda d: d["message"]["content"] == "redis is down")["message"] == down
        reply = send(cara, room, "still here")
        assert exactly_once(ana, "room:message:new",
                            lambda d: d["message"]["content"] == "still here")["message"] == reply

        redis_server.start()

        def crossed() -> bool:
            n = time.time()
            send(ana, room, f"probe {n}")
            time.sleep(0.5)
            return bool(ben.received("room:message:new",
                                     lambda d: d["message"]["content"] == f"probe {n}"))

        assert wait_until(crossed, timeout=30, interval=0), queue_cluster.logs()
        after = send(ben, room, "cross again")
        assert exactly_once(cara, "room:message:new",
                            lambda d: d["message"]["content"] == "cross again")["message"] == after
    finally:
        clients.close()
