"""The event stage on two processes (A and B) sharing PostgreSQL and Redis: one vote per
person even when their tabs on both processes vote at the same moment, and reactions pressed
on both summed into one frame per flush for every viewer."""
from __future__ import annotations

import threading
import time

import pytest

from tests.event_support import join_event
from tests.scaleout_support import clients, cluster  # noqa: F401

pytestmark = pytest.mark.scaleout


def test_one_vote_per_person_across_processes(cluster, clients, unique):  # noqa: F811
    eid = unique("stage")
    host = clients.connect(cluster.a)
    join_event(host, eid, unique("host"))
    ana_a = clients.connect(cluster.a)
    join_event(ana_a, eid, unique("ana"))
    ana_b = clients.tab(cluster.b, ana_a)
    join_event(ana_b, eid)
    question = host.call("askQuestion", {"text": "one vote?"})["question"]
    poll = host.call("openPoll", {"question": "one ballot?", "options": ["a", "b"]})["poll"]
    acks: dict[str, dict] = {}

    def vote(name, client):
        acks[name] = client.call("voteQuestion", {"questionId": question["id"]})

    threads = [threading.Thread(target=vote, args=(n, c)) for n, c in (("a", ana_a), ("b", ana_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a["ok"] for a in acks.values()) == [False, True], acks
    refused = next(a for a in acks.values() if not a["ok"])
    assert refused["error"]["code"] == "conflict"
    listed = host.call("getQuestions", {})["questions"]
    assert [q["votes"] for q in listed if q["id"] == question["id"]] == [1]
    # Ballots: both tabs vote, one ballot remains (the later one).
    assert ana_a.call("votePoll", {"pollId": poll["id"], "choices": [0]})["ok"]
    assert ana_b.call("votePoll", {"pollId": poll["id"], "choices": [1]})["ok"]
    [seen] = host.call("getPolls", {})["polls"]
    assert (seen["voters"], [o["votes"] for o in seen["options"]]) == (1, [0, 1])


def test_reactions_on_both_processes_reach_each_viewer_as_one_sum(cluster, clients, unique):  # noqa: F811
    eid = unique("stage")
    viewer = clients.connect(cluster.a)
    join_event(viewer, eid, unique("viewer"))
    on_b = [clients.connect(cluster.b) for _ in range(3)]
    on_a = [clients.connect(cluster.a) for _ in range(3)]
    for client in on_a + on_b:
        join_event(client, eid, unique("fan"))
    started = time.monotonic()
    for client in on_a + on_b:
        client.sio.emit("react", {"emoji": "👏", "count": 4})
    frames, deadline = [], time.monotonic() + 10
    while time.monotonic() < deadline:
        frames = viewer.received("reactions", lambda f: f["eventId"] == eid)
        if sum(f["counts"].get("👏", 0) for f in frames) >= 24:
            break
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    assert sum(f["counts"].get("👏", 0) for f in frames) == 24, frames
    # One frame per flush in all (the Redis leader sends the sum), not one per process.
    assert len(frames) <= elapsed / 0.5 + 2, (len(frames), elapsed)
