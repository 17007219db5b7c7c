"""Two server processes, A and B, on one PostgreSQL database and one Redis: everything a client
sees must be the same whichever process its socket landed on. Nothing here assumes an order
between events that come from different processes."""
from __future__ import annotations

import threading

import pytest

from tests.event_support import (api, create_event, join_event, patch_event, register_account,
                                 say)
from tests.helpers import settle
from tests.scaleout_support import (clients, cluster, exactly_once, join,  # noqa: F401
                                    new_room, send, uid)

pytestmark = pytest.mark.scaleout
T = 10  # seconds allowed for anything to cross from one process to the other


def users_count(server, room_id: int) -> int:
    rooms = api(server, "GET", "/api/rooms").json()
    return next(r["usersCount"] for r in rooms if r["id"] == room_id)


def test_health_reports_database_and_redis_on_both(cluster):
    for server in (cluster.a, cluster.b):
        response = api(server, "GET", "/api/health")
        assert response.status_code == 200, response.text
        assert response.json()["redis"] == "ok" and response.json()["database"] == "ok"


def test_room_messages_reach_members_on_both_processes_once(cluster, clients, unique):
    ana, cara = clients.login(cluster.a, unique("ana")), clients.login(cluster.a, unique("cara"))
    ben, dan = clients.login(cluster.b, unique("ben")), clients.login(cluster.b, unique("dan"))
    outsider = clients.login(cluster.b, unique("out"))
    room = new_room(ana, unique)
    for member in (cara, ben, dan):
        join(member, room)

    for author, text in ((ana, "from A"), (ben, "from B")):
        sent = send(author, room, text)
        for member in (ana, cara, ben, dan):
            got = exactly_once(member, "room:message:new",
                               lambda d: d["roomId"] == room and d["message"]["content"] == text)
            assert got["message"] == sent  # same id, author, timestamp everywhere
    assert outsider.received("room:message:new") == []
    history = api(cluster.b, "GET", f"/api/rooms/{room}/messages").json()["messages"]
    assert [m["content"] for m in history] == ["from B", "from A"]


def test_private_message_reaches_every_tab_on_both_processes(cluster, clients, unique):
    rita_a = clients.login(cluster.a, unique("rita"))
    rita_b = clients.tab(cluster.b, rita_a)
    sam_b = clients.login(cluster.b, unique("sam"))
    sam_a = clients.tab(cluster.a, sam_b)
    bystander = clients.login(cluster.a, unique("by"))

    ack = sam_b.call("message:private", {"to": uid(rita_a), "message": "psst"})
    assert ack["ok"], ack
    for tab in (rita_a, rita_b):
        got = exactly_once(tab, "message:private", lambda d: d["content"] == "psst")
        assert (got["id"], got["from"], got["sender"]) == \
            (ack["message"]["id"], uid(sam_b), sam_b.user["username"])
    for tab in (sam_a, sam_b):  # the sender's tabs on both processes stay in step
        got = exactly_once(tab, "message:private:sent", lambda d: d["content"] == "psst")
        assert (got["id"], got["to"]) == (ack["message"]["id"], uid(rita_a))

    reply = rita_a.call("message:private", {"to": uid(sam_b), "message": "hi back"})
    assert reply["ok"], reply
    for tab in (sam_a, sam_b):
        got = exactly_once(tab, "message:private", lambda d: d["content"] == "hi back")
        assert got["id"] == reply["message"]["id"]
    settle()
    assert bystander.received("message:private") == []
    assert sam_a.received("message:private", lambda d: d["content"] == "psst") == []


def test_typing_in_a_room_and_in_private_crosses_processes(cluster, clients, unique):
    ana, cara = clients.login(cluster.a, unique("ana")), clients.login(cluster.a, unique("cara"))
    ben = clients.login(cluster.b, unique("ben"))
    ben_a = clients.tab(cluster.a, ben)
    room = new_room(ana, unique)
    join(ben, room)
    join(cara, room)

    assert ana.call("user:typing", {"roomId": room, "isTyping": True})["ok"]
    expected = {"roomId": room, "userId": uid(ana), "username": ana.user["username"],
                "isTyping": True}
    assert exactly_once(ben, "user:typing", lambda d: d["roomId"] == room) == expected
    assert exactly_once(cara, "user:typing", lambda d: d["roomId"] == room) == expected
    assert ben.call("user:typing", {"roomId": room, "isTyping": False})["ok"]
    got = ana.wait_for("user:typing", lambda d: d["userId"] == uid(ben), timeout=T)
    assert got["isTyping"] is False

    assert ana.call("user:typing:private", {"to": uid(ben), "isTyping": True})["ok"]
    for tab in (ben, ben_a):
        assert exactly_once(tab, "user:typing:private",
                            lambda d: d["from"] == uid(ana)) == {"from": uid(ana),
                                                                 "isTyping": True}
    settle()
    assert ana.received("user:typing", lambda d: d["userId"] == uid(ana)) == []
    assert cara.received("user:typing:private") == []


def test_rooms_update_counts_distinct_users_across_processes(cluster, clients, unique):
    ana = clients.login(cluster.a, unique("ana"))
    watch_a, watch_b = clients.connect(cluster.a), clients.connect(cluster.b)
    ben_b = clients.login(cluster.b, unique("ben"))
    ben_a = clients.tab(cluster.a, ben_b)
    room = new_room(ana, unique)

    expected: list[int] = []

    def both_see(count: int, nth: int) -> None:
        """Each watcher got ``nth`` updates for the room so far, with the expected counts
        (compared as a multiset: no order is assumed between the processes' broadcasts)."""
        expected.append(count)
        for watcher in (watch_a, watch_b):
            watcher.wait_for("rooms:update", lambda d: d["id"] == room, timeout=T, count=nth)
            updates = watcher.received("rooms:update", lambda d: d["id"] == room)
            assert sorted(u["usersCount"] for u in updates[:nth]) == sorted(expected), updates
        assert users_count(cluster.a, room) == users_count(cluster.b, room) == count

    join(ben_b, room)
    both_see(2, 1)
    join(ben_a, room)  # the same person in a second tab on the other process
    both_see(2, 2)
    assert ben_b.call("room:leave", {"roomId": room})["ok"]
    both_see(2, 3)  # still there in the tab on A
    settle()
    assert ana.received("room:user:left", lambda d: d["roomId"] == room) == []
    assert ben_a.call("room:leave", {"roomId": room})["ok"]
    both_see(1, 4)
    got = exactly_once(ana, "room:user:left", lambda d: d["roomId"] == room)
    assert got["userId"] == uid(ben_b)


def test_presence_with_tabs_on_both_processes(cluster, clients, unique):
    watch_a = clients.login(cluster.a, unique("wa"))
    watch_b = clients.login(cluster.b, unique("wb"))
    for watcher in (watch_a, watch_b):  # user:online goes to watchers only
        assert watcher.call("presence:watch", {"everyone": True})["ok"]
    eve_a = clients.login(cluster.a, unique("eve"))
    eve = uid(eve_a)
    is_eve = lambda d: d["userId"] == eve  # noqa: E731
    eve_b = clients.tab(cluster.b, eve_a)
    for watcher in (watch_a, watch_b):
        got = exactly_once(watcher, "user:online", is_eve)
        assert got["username"] == eve_a.user["username"]

    eve_a.close()  # the tab on A closes; the one on B is still open
    settle(1.5)
    for watcher in (watch_a, watch_b):
        assert watcher.received("user:offline", is_eve) == []
    assert len(watch_a.received("user:online", is_eve)) == 1

    eve_b.close()  # the last tab anywhere
    for watcher in (watch_a, watch_b):
        exactly_once(watcher, "user:offline", is_eve)


def together(*actions) -> None:
    """Run the actions at the same moment, each in a thread of its own."""
    barrier = threading.Barrier(len(actions))
    threads = [threading.Thread(target=lambda f=f: (barrier.wait(), f())) for f in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


def test_simultaneous_tabs_on_two_processes_are_announced_once(cluster, clients, unique):
    watcher = clients.login(cluster.a, unique("w"))
    assert watcher.call("presence:watch", {"everyone": True})["ok"]
    room = new_room(watcher, unique)
    for attempt in range(20):  # a race: stop at the first duplicate
        first = clients.login(cluster.a, unique("u"))
        me, token = uid(first), first.token
        first.close()
        watcher.wait_for("user:offline", lambda d: d["userId"] == me, timeout=T)
        watcher.clear()
        tab_a, tab_b = clients.connect(cluster.a), clients.connect(cluster.b)
        together(lambda: tab_a.call("user:login", {"token": token}),
                 lambda: tab_b.call("user:login", {"token": token}))
        together(lambda: tab_a.call("room:join", {"roomId": room}),
                 lambda: tab_b.call("room:join", {"roomId": room}))
        watcher.wait_for("room:user:joined", lambda d: d["user"]["userId"] == me, timeout=T)
        together(tab_a.close, tab_b.close)
        watcher.wait_for("user:offline", lambda d: d["userId"] == me, timeout=T)
        settle(0.7)
        seen = {event: len(watcher.received(event, where)) for event, where in (
            ("user:online", lambda d: d["userId"] == me),
            ("room:user:joined", lambda d: d["user"]["userId"] == me),
            ("room:user:left", lambda d: d["userId"] == me),
            ("user:offline", lambda d: d["userId"] == me))}
        assert seen == dict.fromkeys(seen, 1), f"attempt {attempt + 1}: {seen}"


def test_event_participants_agree_across_processes(cluster, clients, unique):
    eid = unique("ev")
    ana, ben = clients.login(cluster.a, unique("ana")), clients.login(cluster.b, unique("ben"))
    cara = clients.login(cluster.b, unique("cara"))
    name = lambda c: c.user["username"]  # noqa: E731
    join_event(ana, eid)
    join_event(ben, eid)
    for client in (ana, ben):
        got = exactly_once(client, "userJoined", lambda d: d["user"] == name(ben))
        assert set(got["participants"]) == {name(ana), name(ben)}
    join_event(cara, eid)
    everyone = {name(ana), name(ben), name(cara)}
    for client in (ana, ben, cara):
        got = exactly_once(client, "userJoined", lambda d: d["user"] == name(cara))
        assert set(got["participants"]) == everyone
    assert set(cara.received("eventHistory")[-1]["participants"]) == everyone
    for client, server in ((ana, cluster.a), (ben, cluster.b)):
        counts = {e["id"]: e["participantCount"] for e in client.call("getActiveEvents")}
        assert counts.get(eid) == 3, counts
        assert set(api(server, "GET", f"/api/events/{eid}").json()["participants"]) == everyone

    message = say(ben, "hello from B")
    for client in (ana, cara):
        assert exactly_once(client, "newMessage", lambda d: d["text"] == "hello from B") == message
    assert ben.call("leaveEvent")["ok"]  # B leaves: heard on A and on B
    for client in (ana, cara):
        got = exactly_once(client, "userLeft", lambda d: d["user"] == name(ben))
        assert set(got["participants"]) == {name(ana), name(cara)}
    assert ana.call("leaveEvent")["ok"]  # A leaves: heard on B
    got = exactly_once(cara, "userLeft", lambda d: d["user"] == name(ana))
    assert got["participants"] == [name(cara)]
    for client in (ana, ben):
        counts = {e["id"]: e["participantCount"] for e in client.call("getActiveEvents")}
        assert counts.get(eid) == 1, counts


def test_rest_created_event_and_its_end_reach_both_processes(cluster, clients, unique):
    host_token = register_account(cluster.a, unique("host"))  # only accounts create events
    lobby_a, lobby_b = clients.connect(cluster.a), clients.connect(cluster.b)
    eid = unique("ev")
    created = create_event(cluster.a, host_token, id=eid, name="Scale-out launch")
    assert created["status"] == "live"
    for lobby in (lobby_a, lobby_b):
        got = exactly_once(lobby, "events:update", lambda d: d["id"] == eid)
        assert (got["status"], got["name"]) == ("live", "Scale-out launch")
    assert eid in [e["id"] for e in lobby_b.call("getActiveEvents")]

    fan_b, fan_a = clients.login(cluster.b, unique("fan")), clients.login(cluster.a, unique("fan"))
    join_event(fan_b, eid)
    join_event(fan_a, eid)
    patch_event(cluster.a, host_token, eid, action="end")  # REST on process A
    for fan in (fan_a, fan_b):
        assert exactly_once(fan, "eventStatus", lambda d: d["id"] == eid) == \
            {"id": eid, "status": "ended"}
    lobby_b.wait_for("events:update", lambda d: d["id"] == eid and d["status"] == "ended",
                     timeout=T)
    assert eid not in [e["id"] for e in lobby_b.call("getActiveEvents")]
    refused = fan_b.call("sendMessage", "too late")
    assert refused["ok"] is False and refused["error"]["code"] == "event_ended", refused


def test_a_sidebar_on_one_process_hears_a_room_moving_on_the_other(
        cluster, clients, unique):  # noqa: F811
    """sidebar:watch on B, messages on A: one room:activity each; a ban on A stops it on B."""
    ana, ben = clients.login(cluster.a, unique("ana")), clients.login(cluster.b, unique("ben"))
    room = new_room(ana, unique)
    assert ben.call("sidebar:watch", {"roomIds": [room]})["ok"]
    sent = send(ana, room, "over here")
    got = exactly_once(ben, "room:activity", lambda d: d["roomId"] == room)
    assert got == {"roomId": room, "eventId": None, "messageId": sent["id"], "userId": uid(ana)}
    assert ana.call("room:ban", {"roomId": room, "userId": uid(ben)})["ok"]
    ben.wait_for("room:user:banned", timeout=T)
    send(ana, room, "not for ben")
    settle(1.0)
    assert len(ben.received("room:activity")) == 1
