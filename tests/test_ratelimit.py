"""The rate limiter counts exactly: never one action more than the limit, even at a window edge."""
from __future__ import annotations

import time

import pytest

from chatapp.errors import RateLimited
from chatapp.security.ratelimit import Limiter


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # Just before a minute boundary: the edge where a two-counter approximation leaked.
    fake = FakeClock(float(int(time.time() // 60 * 60) + 59.9))
    monkeypatch.setattr(time, "time", fake)
    return fake


def test_the_limit_holds_across_a_window_edge(clock):
    limiter = Limiter("memory://")
    limiter.hit("2/minute", "writes", "hana")
    limiter.hit("2/minute", "writes", "hana")
    clock.now += 0.2  # the next minute has begun
    with pytest.raises(RateLimited) as refused:
        limiter.hit("2/minute", "writes", "hana")
    assert 59 <= refused.value.retry_after <= 60


def test_an_action_is_allowed_again_once_the_oldest_leaves_the_window(clock):
    limiter = Limiter("memory://")
    limiter.hit("2/minute", "writes", "hana")
    clock.now += 30
    limiter.hit("2/minute", "writes", "hana")
    clock.now += 30.5  # the first hit is now more than a minute old
    limiter.hit("2/minute", "writes", "hana")
    with pytest.raises(RateLimited):
        limiter.hit("2/minute", "writes", "hana")


def test_keys_are_counted_apart(clock):
    limiter = Limiter("memory://")
    limiter.hit("1/minute", "writes", "hana")
    limiter.hit("1/minute", "writes", "omar")
    with pytest.raises(RateLimited):
        limiter.hit("1/minute", "writes", "hana")
