"""The reaction tally and its flush: alone a process sends its own sums; with Redis every
process adds to one hash and only the leader of the moment sends, so the audience gets one
frame per flush whatever the number of processes. Uses ``TEST_REDIS_URL`` (skipped without)."""
from __future__ import annotations

import os
import uuid

import pytest

from chatapp.cluster.reaction_flush import RedisAggregator, flush_once
from chatapp.realtime import reaction_tally, stage_broadcast

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/10")


@pytest.fixture
def sent(monkeypatch):
    frames: list[tuple[int, dict]] = []
    monkeypatch.setattr(stage_broadcast, "reactions", lambda room, data: frames.append((room, data)))
    reaction_tally.take()
    return frames


def redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at TEST_REDIS_URL")


def test_one_frame_per_event_per_flush_alone(sent):
    for _ in range(500):
        reaction_tally.add(7, "talk", "👏")
    reaction_tally.add(7, "talk", "🎉", 3)
    reaction_tally.add(8, "other", "👍")
    assert flush_once(None, 0.5) == 2
    assert sorted(sent) == [(7, {"eventId": "talk", "counts": {"👏": 500, "🎉": 3}, "interval": 0.5}),
                            (8, {"eventId": "other", "counts": {"👍": 1}, "interval": 0.5})]
    assert flush_once(None, 0.5) == 0  # nothing pressed since: no frame at all


def test_the_per_person_limit_is_per_second():
    user = 10**9 + 1
    assert [reaction_tally.allow(user, now=100.2) for _ in range(11)].count(True) == 10
    assert reaction_tally.allow(user, now=101.0) is True
    assert reaction_tally.allow(user, now=101.5, n=9) is True  # a batch counts as its presses
    assert reaction_tally.allow(user, now=101.6, n=1) is False


def test_processes_sum_through_redis_and_only_the_leader_sends(sent):
    redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    first = RedisAggregator(REDIS_URL, prefix, 0.5)
    second = RedisAggregator(REDIS_URL, prefix, 0.5)
    try:
        reaction_tally.add(7, "talk", "👏", 4)
        assert flush_once(first, 0.5) == 1  # first takes the lease and sends its own 4
        reaction_tally.add(7, "talk", "👏", 5)
        assert flush_once(second, 0.5) == 0  # second only adds its counts: not the leader
        reaction_tally.add(7, "talk", "❤️", 1)
        assert flush_once(first, 0.5) == 1  # the leader sends both processes' sums
        assert [data["counts"] for _, data in sent] == [{"👏": 4}, {"👏": 5, "❤️": 1}]
    finally:
        first.client.delete(*first.client.keys(f"{prefix}:*") or [f"{prefix}:none"])
