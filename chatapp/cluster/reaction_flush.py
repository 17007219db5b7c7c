"""The reaction flush loop: every ``REACTION_FLUSH_SECONDS`` each event's reaction counts go
out as one ``reactions`` frame (see :mod:`chatapp.realtime.reaction_tally`).

Alone, a process sends what it counted. With Redis, every process adds its counts to one hash
per event (``HINCRBY``, a pipeline per flush) and the process holding a short Redis lease
sends the sums and clears them in one transaction, so the audience gets one frame per flush
whatever the number of processes. A leader that dies loses at most one window of counts; its
lease runs out and another process takes over.
"""
from __future__ import annotations

import logging
import os

from flask import Flask

from chatapp.extensions import socketio
from chatapp.realtime import reaction_tally, stage_broadcast

log = logging.getLogger(__name__)
_started_in_pid: int | None = None


class RedisAggregator:
    """Sums counts across processes in Redis; one leader at a time sends them."""

    def __init__(self, url: str, prefix: str, interval: float) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self.lease_ms = max(int(interval * 3000), 1000)
        self.me = f"{os.getpid()}-{id(self)}"

    def push(self, taken: dict[int, tuple[str, dict[str, int]]]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for room_id, (event_id, counts) in taken.items():
            key = f"{self.prefix}:reactions:{room_id}"
            for emoji, n in counts.items():
                pipe.hincrby(key, emoji, n)
            pipe.hset(f"{self.prefix}:reactions:events", room_id, event_id)
        pipe.execute()

    def lead(self) -> bool:
        """Take or keep the lease; True while this process is the one that sends."""
        key = f"{self.prefix}:reactions:leader"
        if self.client.set(key, self.me, nx=True, px=self.lease_ms):
            return True
        if (self.client.get(key) or b"").decode() == self.me:
            self.client.pexpire(key, self.lease_ms)
            return True
        return False

    def collect(self) -> dict[int, tuple[str, dict[str, int]]]:
        """Every event's summed counts, cleared as they are read (MULTI: nothing lost between)."""
        events = {int(k): v.decode() for k, v in
                  self.client.hgetall(f"{self.prefix}:reactions:events").items()}
        if not events:
            return {}
        pipe = self.client.pipeline(transaction=True)
        for room_id in events:
            pipe.hgetall(f"{self.prefix}:reactions:{room_id}")
            pipe.delete(f"{self.prefix}:reactions:{room_id}")
        results = pipe.execute()[0::2]
        out = {}
        for (room_id, event_id), counts in zip(events.items(), results):
            if counts:
                out[room_id] = (event_id, {k.decode(): int(v) for k, v in counts.items()})
        return out


def flush_once(aggregator: RedisAggregator | None, interval: float) -> int:
    """One flush; returns how many ``reactions`` frames were sent (one per event)."""
    taken = reaction_tally.take()
    if aggregator is not None:
        if taken:
            aggregator.push(taken)
        if not aggregator.lead():
            return 0
        taken = aggregator.collect()
    for room_id, (event_id, counts) in taken.items():
        stage_broadcast.reactions(room_id, {"eventId": event_id, "counts": counts,
                                            "interval": interval})
    return len(taken)


def _flush_loop(app: Flask) -> None:
    interval = app.config["REACTION_FLUSH_SECONDS"]
    aggregator = None
    if app.config["REDIS_URL"]:
        aggregator = RedisAggregator(app.config["REDIS_URL"], app.config["SOCKETIO_CHANNEL"],
                                     interval)
    while True:
        socketio.sleep(interval)
        try:
            flush_once(aggregator, interval)
        except Exception:  # a Redis hiccup must not end the loop for good
            log.exception("reaction flush failed")


def ensure_reaction_flush(app: Flask) -> None:
    """Start the flush loop once per serving process (called by ``wsgi.py``)."""
    global _started_in_pid
    if _started_in_pid == os.getpid():
        return
    _started_in_pid = os.getpid()
    socketio.start_background_task(_flush_loop, app)
