"""Rate limits on what clients do, shared across processes through Redis when configured.

Built on the ``limits`` library (moving windows; memory or Redis storage) rather than
hand-written counters. Each limit is a setting such as ``"20/10second"``; ``check`` raises
:class:`RateLimited` with a retry-after when a caller is over it.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from chatapp.errors import RateLimited

log = logging.getLogger(__name__)

# Setting name -> (default for members, default for guests). Guests are held tighter.
DEFAULT_LIMITS = {
    "RATE_LIMIT_MESSAGES": ("30/10second", "10/10second"),
    "RATE_LIMIT_TYPING": ("30/10second", "20/10second"),
    "RATE_LIMIT_ROOM_CREATE": ("10/hour", "3/hour"),
    "RATE_LIMIT_REST_WRITES": ("60/minute", "20/minute"),
    "RATE_LIMIT_LOGIN_FAILURES": ("10/15minute", "10/15minute"),
    # Per client address, across everyone behind it (a campus NAT): generous.
    "RATE_LIMIT_PER_IP": ("300/10second", "300/10second"),
    # Per address: a campus behind one NAT address still gets plenty of guests.
    "RATE_LIMIT_GUEST_CREATE": ("200/hour", "200/hour"),
}


class Limiter:
    def __init__(self, storage_url: str) -> None:
        self.storage = storage_from_string(storage_url)
        # An exact moving window (one timestamp per hit, at most the limit's count per key).
        # The two-counter sliding approximation rounds its weighted count down, so just after
        # a window edge it let one action more than the limit through ("2/minute" allowed 3).
        self.strategy = MovingWindowRateLimiter(self.storage)

    def hit(self, rule: str, *keys: str) -> None:
        """Count one action for ``keys``; raise :class:`RateLimited` if it is one too many."""
        self._apply(self.strategy.hit, rule, keys, "too many requests; slow down")

    def ensure_below(self, rule: str, *keys: str) -> None:
        """Raise :class:`RateLimited` if ``keys`` are already at the limit (counts nothing)."""
        self._apply(self.strategy.test, rule, keys, "too many attempts; try again later")

    def _apply(self, step, rule: str, keys: tuple[str, ...], message: str) -> None:
        limit = parse(rule)
        try:
            allowed = step(limit, *keys)
        except Exception:  # the limiter's store is down: serve rather than refuse everyone
            log.exception("rate limit store unavailable; allowing %s", keys)
            return
        if not allowed:
            reset_at, _ = self.strategy.get_window_stats(limit, *keys)
            raise RateLimited(message, retry_after=max(0.0, round(reset_at - time.time(), 1)))

    def clear(self, rule: str, *keys: str) -> None:
        self.strategy.clear(parse(rule), *keys)


def init_app(app: Flask) -> None:
    redis_url = app.config["REDIS_URL"]
    app.extensions["chatapp.limiter"] = Limiter(redis_url if redis_url else "memory://")


def rule_for(setting: str, *, guest: bool) -> str:
    configured = current_app.config.get(setting + ("_GUEST" if guest else ""))
    return configured or DEFAULT_LIMITS[setting][1 if guest else 0]


def check(setting: str, *keys: object, guest: bool = False) -> None:
    """One action under the limit ``setting`` for each of ``keys`` (e.g. a user and an IP)."""
    _for_each_key(Limiter.hit, setting, keys, guest)


def check_slow_mode(room_id: int, user_id: int, seconds: int) -> None:
    """At most one message per ``seconds`` per user in a room in slow mode."""
    limiter: Limiter = current_app.extensions["chatapp.limiter"]
    limiter.hit(f"1/{seconds}second", "slow_mode", str(room_id), str(user_id))


def ensure_below(setting: str, *keys: object, guest: bool = False) -> None:
    """Refuse at once if any of ``keys`` is already over the limit (e.g. failed logins: the
    check must come before the password is even tried)."""
    _for_each_key(Limiter.ensure_below, setting, keys, guest)


def _for_each_key(step, setting: str, keys: tuple, guest: bool) -> None:
    if not current_app.config.get("RATE_LIMITS_ENABLED", True):
        return
    rule = rule_for(setting, guest=guest)
    limiter: Limiter = current_app.extensions["chatapp.limiter"]
    for key in keys:
        if key is not None:
            step(limiter, rule, setting, str(key))


def forget_login_failures(*keys: object) -> None:
    limiter: Limiter = current_app.extensions["chatapp.limiter"]
    for key in keys:
        if key is not None:
            limiter.clear(rule_for("RATE_LIMIT_LOGIN_FAILURES", guest=False),
                          "RATE_LIMIT_LOGIN_FAILURES", str(key))
