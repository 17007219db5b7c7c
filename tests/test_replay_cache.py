"""What resuming sockets share of their replays (chatapp/realtime/replay_cache.py): a row is
decoded once and its frame built once, and neither is ever served for another row."""
from __future__ import annotations

import pytest

from chatapp.realtime import replay_cache


@pytest.fixture(autouse=True)
def empty_cache():
    replay_cache.clear()
    yield
    replay_cache.clear()


def test_resumers_of_one_row_share_its_payload_and_its_frame():
    first = replay_cache.decoded(7, "user:offline", '{"userId":"3"}')
    again = replay_cache.decoded(7, "user:offline", '{"userId":"3"}')
    assert first == {"userId": "3"} and again is first
    builds = []

    def build():
        builds.append(1)
        return b"frame-7"

    assert replay_cache.frame(7, "user:offline", first, build) == b"frame-7"
    assert replay_cache.frame(7, "user:offline", again, build) == b"frame-7"
    assert len(builds) == 1


def test_another_row_at_the_same_offset_is_never_served_the_old_one():
    # Another database in the same process (tests), or the log rebuilt: offsets repeat.
    old = replay_cache.decoded(7, "user:offline", '{"userId":"3"}')
    other_text = replay_cache.decoded(7, "user:offline", '{"userId":"4"}')
    other_event = replay_cache.decoded(7, "user:online", '{"userId":"4"}')
    assert other_text == {"userId": "4"} and other_event is not other_text
    assert replay_cache.frame(7, "user:offline", old, lambda: b"old") == b"old"
    assert replay_cache.frame(7, "user:offline", other_text, lambda: b"new") == b"new"
    assert replay_cache.frame(7, "user:online", other_text, lambda: b"event") == b"event"


def test_the_cache_keeps_the_newest_rows_and_empties_when_idle(monkeypatch):
    monkeypatch.setattr(replay_cache, "MAX_ENTRIES", 3)
    payloads = [replay_cache.decoded(n, "e", f'{{"n":{n}}}') for n in range(5)]
    assert sorted(replay_cache._decoded) == [2, 3, 4]
    assert replay_cache.decoded(4, "e", '{"n":4}') is payloads[4]
    monkeypatch.setattr(replay_cache, "_last_use", replay_cache._last_use
                        - replay_cache.IDLE_SECONDS - 1)
    assert replay_cache.decoded(4, "e", '{"n":4}') is not payloads[4]  # emptied first
    assert sorted(replay_cache._decoded) == [4]
