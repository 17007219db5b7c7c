"""Failures in a scaled-out deployment: a process killed with SIGKILL (no chance to say
goodbye), and the Redis message queue restarting under a chat."""
from __future__ import annotations

import os
import signal
import time
from types import SimpleNamespace

import pytest

from tests.event_support import api, join_event
from tests.helpers import settle
from tests.scaleout_support import (REDIS_URL, Cluster, clients, exactly_once,  # noqa: F401
                                    flush_redis, health_reaches, join, new_room, redis_server,
                                    require_redis, send, uid, wait_until)

pytestmark = pytest.mark.scaleout
PRESENCE_TIMEOUT, HEARTBEAT_INTERVAL, SLACK = 4, 1, 4
# A dead process's users are announced gone within this many seconds of its death.
DEPARTURE_BOUND = PRESENCE_TIMEOUT + 2 * HEARTBEAT_INTERVAL + SLACK
FAST_PRESENCE = {"PRESENCE_TIMEOUT": str(PRESENCE_TIMEOUT),
                 "HEARTBEAT_INTERVAL": str(HEARTBEAT_INTERVAL)}


@pytest.fixture
def fast_cluster(tmp_path):
    """A cluster of its own (a process of it gets killed), on the shared Redis."""
    require_redis(REDIS_URL)
    pair = Cluster(tmp_path, REDIS_URL, **FAST_PRESENCE)
    try:
        yield pair.start()
    finally:
        pair.stop()
        flush_redis(REDIS_URL)


@pytest.fixture
def queue_cluster(tmp_path, redis_server):
    """A cluster whose message queue is a private redis-server the test may restart."""
    pair = Cluster(tmp_path, redis_server.url, **FAST_PRESENCE)
    try:
        yield pair.start()
    finally:
        pair.stop()


def populate(a, b, clients, unique) -> SimpleNamespace:
    """ana and cara on A; bob only on B; xena with a tab on each. All but cara are in one
    event; all are in one room. Returns them with the room and the event, ana and cara's
    events cleared."""
    ana, cara = clients.login(a, unique("ana")), clients.login(a, unique("cara"))
    bob = clients.login(b, unique("bob"))  # only on B: gone when B dies
    xena_b = clients.login(b, unique("xena"))
    xena_a = clients.tab(a, xena_b)  # xena also has a tab on A: she stays
    room, eid = new_room(ana, unique), unique("ev")
    for client in (cara, bob, xena_b, xena_a):
        join(client, room)
    for client in (ana, bob, xena_b, xena_a):
        join_event(client, eid)
    # count 4 twice: xena's join on B and her tab's on A (each socket's join is announced)
    ana.wait_for("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 4, timeout=10,
                 count=2)
    names = {c.user["username"] for c in (ana, bob, xena_a)}
    assert set(ana.wait_for("userJoined", lambda d: d["user"] == xena_a.user["username"],
                            timeout=10)["participants"]) == names
    for client in (ana, cara):
        client.clear()
    return SimpleNamespace(ana=ana, cara=cara, bob=bob, xena_a=xena_a, xena_b=xena_b,
                           room=room, eid=eid)


def assert_only_bob_departs(c: SimpleNamespace, since: float, cluster: Cluster) -> None:
    """ana (on A) hears that bob left, within the bound counted from ``since``; she hears no
    such thing of xena, whose tab on A is still open."""
    ana, room = c.ana, c.room
    deadline = since + DEPARTURE_BOUND
    within = lambda: max(0.1, deadline - time.time())  # noqa: E731
    bob_id, xena_id = uid(c.bob), uid(c.xena_a)
    problems = []
    for event, where in (("room:user:left", lambda d: d["userId"] == bob_id),
                         ("rooms:update", lambda d: d["id"] == room and d["usersCount"] == 3),
                         ("user:offline", lambda d: d["userId"] == bob_id),
                         ("userLeft", lambda d: d["user"] == c.bob.user["username"])):
        try:
            ana.wait_for(event, where, timeout=within())
        except AssertionError:
            problems.append(f"{event} for bob not within {DEPARTURE_BOUND}s")
    assert problems == [], "\n".join(problems) + "\n" + cluster.logs()
    left = ana.received("userLeft", lambda d: d["user"] == c.bob.user["username"])
    assert set(left[0]["participants"]) == {ana.user["username"], c.xena_a.user["username"]}

    settle(2 * HEARTBEAT_INTERVAL)  # xena still has a tab on A: nothing says she left
    assert ana.received("room:user:left", lambda d: d["userId"] == xena_id) == []
    assert ana.received("user:offline", lambda d: d["userId"] == xena_id) == []
    assert ana.received("userLeft", lambda d: d["user"] == c.xena_a.user["username"]) == []
    # one update per departed socket (bob's and xena's tab on B): all count xena still
    assert {d["usersCount"] for d in ana.received("rooms:update", lambda d: d["id"] == room)} \
        == {3}
    assert len(ana.received("user:offline", lambda d: d["userId"] == bob_id)) == 1
    assert len(left) == 1
    rooms = {r["id"]: r["usersCount"] for r in api(cluster.a, "GET", "/api/rooms").json()}
    assert rooms[room] == 3
    counts = {e["id"]: e["participantCount"] for e in ana.call("getActiveEvents")}
    assert counts.get(c.eid) == 2, counts


def test_sigkill_loses_no_message_and_announces_the_dead_process_users(fast_cluster, clients,
                                                                        unique):
    a, b = fast_cluster.a, fast_cluster.b
    c = populate(a, b, clients, unique)
    total, killed_at, sent = 20, None, []
    for n in range(total):
        if n == 5:
            b.stop(signal.SIGKILL)  # no graceful shutdown: its sockets are simply gone
            killed_at = time.time()
        sender = c.ana if n % 2 else c.cara
        sent.append(send(sender, c.room, f"m{n}"))
        time.sleep(0.1)
    for client in (c.ana, c.cara):  # every message, once, with the acknowledged id
        client.wait_for("room:message:new", lambda d: d["roomId"] == c.room, timeout=10,
                        count=total)
        got = [d["message"] for d in client.received("room:message:new")]
        assert sorted(got, key=lambda m: m["id"]) == sorted(sent, key=lambda m: m["id"])
    page = api(a, "GET", f"/api/rooms/{c.room}/messages", params={"limit": 100}).json()
    assert sorted(m["id"] for m in page["messages"]) == sorted(m["id"] for m in sent)

    assert_only_bob_departs(c, killed_at, fast_cluster)
    assert send(c.xena_a, c.room, "still here")["content"] == "still here"
    exactly_once(c.cara, "room:message:new", lambda d: d["message"]["content"] == "still here")


def test_a_stalled_process_is_taken_for_dead_by_its_stale_heartbeat(fast_cluster, clients,
                                                                     unique):
    """SIGSTOP: the pid lives on, so only the stale heartbeat (as across hosts) tells A that B
    is gone. When B wakes up it must close its sockets (their users were announced gone) and
    announce nothing twice."""
    a, b = fast_cluster.a, fast_cluster.b
    c = populate(a, b, clients, unique)
    os.killpg(b.process.pid, signal.SIGSTOP)
    stopped_at = time.time()
    try:
        assert_only_bob_departs(c, stopped_at, fast_cluster)
    finally:
        os.killpg(b.process.pid, signal.SIGCONT)
    closed = wait_until(lambda: not c.bob.sio.connected and not c.xena_b.sio.connected,
                        timeout=5 + 2 * HEARTBEAT_INTERVAL)
    assert closed, "B kept the sockets of users it was taken for dead with\n" + \
        fast_cluster.logs()
    settle(2 * HEARTBEAT_INTERVAL)
    assert len(c.ana.received("user:offline", lambda d: d["userId"] == uid(c.bob))) == 1
    assert c.ana.received("user:offline", lambda d: d["userId"] == uid(c.xena_a)) == []
    assert api(b, "GET", "/api/health").status_code == 200
    back = clients.login(b, unique("back"))  # B serves again, and across processes
    join(back, c.room)
    sent = send(back, c.room, "B is back")
    assert exactly_once(c.ana, "room:message:new",
                        lambda d: d["message"]["content"] == "B is back")["message"] == sent


def test_redis_restart_during_a_chat_recovers_by_itself(queue_cluster, redis_server, clients,
                                                        unique):
    a, b = queue_cluster.a, queue_cluster.b
    ana, ben = clients.login(a, unique("ana")), clients.login(b, unique("ben"))
    room = new_room(ana, unique)
    join(ben, room)
    first = send(ana, room, "before")
    assert exactly_once(ben, "room:message:new",
                        lambda d: d["message"]["content"] == "before")["message"] == first

    redis_server.kill(signal.SIGKILL)
    for server in (a, b):
        code, body = health_reaches(server, 503)
        assert (code, body["redis"], body["database"]) == (503, "unavailable", "ok"), body
    during = send(ana, room, "while redis is down")  # stored even if nobody hears it live
    time.sleep(2)
    redis_server.start()  # the same port

    rounds: list[int] = []

    def crossed() -> bool:
        """One round of probes both ways; true once each side heard the other."""
        rounds.append(len(rounds))
        send(ana, room, f"probe A{len(rounds)}")
        send(ben, room, f"probe B{len(rounds)}")
        time.sleep(0.5)
        heard = lambda c, side: c.received(  # noqa: E731
            "room:message:new", lambda d: d["message"]["content"].startswith(f"probe {side}"))
        return bool(heard(ben, "A") and heard(ana, "B"))

    assert wait_until(crossed, timeout=30, interval=0), \
        f"messages did not cross both ways within 30 s of Redis's return\n{queue_cluster.logs()}"
    for server in (a, b):
        code, body = health_reaches(server, 200)
        assert (code, body["redis"]) == (200, "ok"), body

    back = send(ben, room, "after, from B")  # both directions, once each
    assert exactly_once(ana, "room:message:new",
                        lambda d: d["message"]["content"] == "after, from B")["message"] == back
    again = send(ana, room, "after, from A")
    assert exactly_once(ben, "room:message:new",
                        lambda d: d["message"]["content"] == "after, from A")["message"] == again
    history = api(b, "GET", f"/api/rooms/{room}/messages", params={"limit": 100}).json()
    ids = {m["id"] for m in history["messages"]}
    assert {first["id"], during["id"], back["id"], again["id"]} <= ids
