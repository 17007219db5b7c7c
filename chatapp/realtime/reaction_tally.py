"""Emoji reactions to an event's stream, counted in memory and sent as aggregates.

A press costs a dictionary increment: no database row, no frame. A flush loop (one per
process, :mod:`chatapp.cluster.reaction_flush`) sends each event's counts since the last
flush as one ``reactions`` frame, so 5,000 people pressing at once cost every viewer a few
frames per second, not 5,000. With Redis, every process adds its counts to a shared hash
and one process (the leader of the moment) sends the sum: one frame per flush in all.
"""
from __future__ import annotations

import threading
import time
from collections import Counter

# The reactions a page offers; anything else is refused (a flood of arbitrary strings would
# grow every frame).
EMOJI = ("👍", "❤️", "😂", "👏", "🎉", "😮")
MAX_PER_SECOND = 10  # per person, per process: more presses are dropped (counted as refused)

_lock = threading.Lock()
_counts: dict[int, Counter] = {}
_event_ids: dict[int, str] = {}  # room id -> event id, for the payload (never changes)
_recent: dict[int, tuple[float, int]] = {}  # user id -> (second, presses in it)


def allow(user_id: int, now: float | None = None, n: int = 1) -> bool:
    """Whether this person may press ``n`` more times this second (at most
    ``MAX_PER_SECOND`` in all); if so they are counted against it."""
    second = int(now if now is not None else time.monotonic())
    with _lock:
        start, used = _recent.get(user_id, (second, 0))
        if start != second:
            used = 0
        if used + n > MAX_PER_SECOND:
            return False
        _recent[user_id] = (second, used + n)
        return True


def add(room_id: int, event_id: str, emoji: str, n: int = 1) -> None:
    with _lock:
        _counts.setdefault(room_id, Counter())[emoji] += n
        _event_ids[room_id] = event_id


def take() -> dict[int, tuple[str, dict[str, int]]]:
    """Everything counted since the last call, by room: ``{room_id: (event_id, counts)}``;
    the tally starts again from zero. Also forgets who pressed when (a new window)."""
    with _lock:
        taken = {room: (_event_ids[room], dict(counts)) for room, counts in _counts.items()
                 if counts}
        _counts.clear()
        if len(_recent) > 10000:
            _recent.clear()
        return taken
