"""What sockets resuming at the same time share of their replays: each logged event decoded
once, and its WebSocket frame built once.

After a restart every client resumes within seconds and replays the same tail of the log (the
departures announced at the shutdown, the arrivals of those who resumed before it): with N
clients, N replays of up to 2N events. Each replay decoded every row's JSON and encoded and
framed every event again for its one socket; under py-spy that was about a third of a
1,000-socket storm. The events are the same rows for everyone, so the second resumer onwards
takes them from here.

Entries are checked, not trusted: a decoded payload is used only for the same offset, event
and stored text, and a frame only for the very payload object it was built from (tests run
many databases in one process, whose offsets repeat). At most ``MAX_ENTRIES`` rows are kept,
the oldest dropped first; a replay walks offsets upwards, so the cap is sized to hold a whole
storm's tail, and the cache is emptied once no replay has used it for ``IDLE_SECONDS``.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

MAX_ENTRIES = 50_000
IDLE_SECONDS = 120.0

_decoded: dict[int, tuple[str, str, Any]] = {}  # offset -> (event, stored text, payload)
_frames: dict[int, tuple[Any, str, bytes]] = {}  # offset -> (payload, event, frame)
_last_use = 0.0


def decoded(offset: int, event: str, text: str) -> Any:
    """The payload stored as ``text`` for ``event`` at ``offset`` (shared: never mutate it)."""
    _touch()
    hit = _decoded.get(offset)
    if hit is not None and hit[0] == event and hit[1] == text:
        return hit[2]
    payload = json.loads(text)
    _put(_decoded, offset, (event, text, payload))
    return payload


def frame(offset: int, event: str, payload: Any, build: Callable[[], bytes]) -> bytes:
    """The frame of ``event`` with ``payload`` at ``offset``: ``build()`` the first time."""
    hit = _frames.get(offset)
    if hit is not None and hit[0] is payload and hit[1] == event:
        return hit[2]
    built = build()
    _put(_frames, offset, (payload, event, built))
    return built


def clear() -> None:
    _decoded.clear()
    _frames.clear()


def _touch() -> None:
    global _last_use
    now = time.monotonic()
    if now - _last_use > IDLE_SECONDS:
        clear()
    _last_use = now


def _put(cache: dict, offset: int, entry: tuple) -> None:
    cache.pop(offset, None)
    cache[offset] = entry
    while len(cache) > MAX_ENTRIES:
        del cache[next(iter(cache))]
