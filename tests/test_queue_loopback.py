"""A process's own logged events go round the message queue before its sockets get them
(chatapp/realtime/queue_loopback.py), and still arrive, once, when the queue fails them.

The queue here is a stand-in that records what is published; "the listener" hands a
published message back the way python-socketio's PubSubManager._thread does (it skips
messages whose host id is this process's own). The end-to-end proof is the chaos test with a
node far from Redis (tests/test_recovery_chaos.py)."""
from __future__ import annotations

import json
import threading
import time

import pytest
import socketio

from chatapp.realtime import queue_loopback, recovery_writer
from chatapp.realtime.queue_loopback import LoopbackOwnEvents


class Delivered(socketio.Manager):
    """The bottom of the chain: what this process's sockets would get."""

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, **kw):
        self.delivered.append(data)


class StandInQueue(socketio.PubSubManager):
    def _publish(self, data):
        self.published.append(json.loads(json.dumps(data)))
        return self.publish_answer  # RedisManager: subscribers reached, None when it gave up


class StandInServer:
    def start_background_task(self, target):
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        return thread

    def sleep(self, seconds):
        time.sleep(seconds)


@pytest.fixture
def queue():
    manager = type("Manager", (LoopbackOwnEvents, StandInQueue, Delivered), {})(channel="t")
    manager.server = StandInServer()
    manager.published, manager.delivered, manager.publish_answer = [], [], 2
    yield manager


@pytest.fixture
def clustered_send():
    """As recovery_writer.send_postgres does: own deliveries that cannot wait for the queue
    are kept until the commit."""
    recovery_writer._deferred.pending = []
    yield recovery_writer._deferred.pending
    recovery_writer._deferred.pending = None


def listener_hands_back(manager, message) -> None:
    if message.get("host_id") != manager.host_id:  # as PubSubManager._thread
        manager._handle_emit(message)


def test_own_event_waits_for_the_queue_and_arrives_once(queue, clustered_send):
    queue.emit("room:message:new", ({"n": 1}, "41"), namespace="/", room="r")
    assert queue.delivered == [] and clustered_send == []
    (message,) = queue.published
    assert message["host_id"] != queue.host_id  # so the listener does not skip it
    listener_hands_back(queue, message)
    listener_hands_back(queue, message)  # a second copy changes nothing
    assert queue.delivered == [({"n": 1}, "41")]


def test_other_processes_events_in_between_keep_the_queue_order(queue, clustered_send):
    queue.emit("room:message:new", ({"n": 2}, "42"), namespace="/", room="r")
    other = {"method": "emit", "event": "room:message:new", "data": [{"n": 1}, "41"],
             "namespace": "/", "room": "r", "host_id": "another-process"}
    listener_hands_back(queue, other)  # published before ours, still on its way
    listener_hands_back(queue, queue.published[0])
    assert queue.delivered == [({"n": 1}, "41"), ({"n": 2}, "42")]


def test_a_failed_publish_delivers_after_the_commit(queue, clustered_send):
    queue.publish_answer = None  # Redis is down: RedisManager gave up
    queue.emit("room:message:new", ({"n": 1}, "41"), namespace="/", room="r")
    assert queue.delivered == [] and len(clustered_send) == 1
    clustered_send.pop()()  # the commit
    listener_hands_back(queue, queue.published[0])  # came back after all: not twice
    assert queue.delivered == [({"n": 1}, "41")]


def test_when_nothing_comes_back_delivery_goes_on_at_once(queue, clustered_send, monkeypatch):
    monkeypatch.setattr(queue_loopback, "LOOPBACK_TIMEOUT", 0.05)
    queue.emit("room:message:new", ({"n": 1}, "41"), namespace="/", room="r")
    deadline = time.monotonic() + 3
    while not queue.delivered and time.monotonic() < deadline:
        time.sleep(0.02)
    assert queue.delivered == [({"n": 1}, "41")]  # the subscription is down: not lost
    queue.emit("room:message:new", ({"n": 2}, "42"), namespace="/", room="r")
    assert len(clustered_send) == 1  # no more waiting while nothing comes back
    clustered_send.pop()()
    listener_hands_back(queue, queue.published[1])  # the subscription is back
    queue.emit("room:message:new", ({"n": 3}, "43"), namespace="/", room="r")
    assert clustered_send == []  # waits for the queue again
    listener_hands_back(queue, queue.published[2])
    assert [data[0]["n"] for data in queue.delivered] == [1, 2, 3]


def test_emits_outside_a_logged_send_are_delivered_at_once(queue):
    queue.emit("user:typing", {"roomId": 1}, namespace="/", room="r")
    assert queue.delivered == [{"roomId": 1}]
    assert queue.published[0]["host_id"] == queue.host_id
