"""A process's own logged events reach its sockets through the message queue, in offset order.

Why: a stock client resumes "after the last offset it saw". In a cluster, offsets are drawn
in one order (the recovery log's advisory lock) and the queue carries events in that order,
but python-socketio hands a process's own emits to its sockets at once, ahead of events that
other processes logged earlier and that are still on their way through the queue. A socket
could see N+1 before N; cut in between, it resumed after N+1 and never got N; cut just after,
it resumed after N and got N+1 twice (the chaos test with one node far from Redis).

So an own event that took an offset under the lock is not delivered here when it is emitted:
it is published with a host id of its own (``<host id>#<key>``: the queue's listener skips
only this process's plain id) and delivered when it comes back, behind everything published
before it. It costs a local socket one queue round trip.

When the queue cannot bring it back (the publish failed, or it has not come back within
``LOOPBACK_TIMEOUT``: this process's subscription is down), it is delivered at once, and so
are the next ones until one comes back again: delivery between this process's sockets goes on
through a Redis outage, in publish order if not in the cluster's. A copy that comes back
after it was delivered is dropped, so nothing is delivered twice.
"""
from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from functools import partial

from chatapp.realtime import recovery_writer

log = logging.getLogger(__name__)

LOOPBACK_TIMEOUT = 2.0  # seconds an own event may take to come back through the queue
_WATCH_INTERVAL = 0.25


class Loopbacks:
    """Own events on their way round the queue: key -> (deliver, due by)."""

    def __init__(self, server) -> None:
        self._server = server  # a socketio.Server: its background tasks and sleep
        self._waiting: dict[int, tuple[Callable[[], None], float]] = {}
        self._keys = itertools.count(1)
        self._watching = False
        self.broken = False  # the last one did not come back: deliver at once

    def expect(self, deliver: Callable[[], None]) -> int:
        key = next(self._keys)
        self._waiting[key] = (deliver, time.monotonic() + LOOPBACK_TIMEOUT)
        if not self._watching:
            self._watching = True
            self._server.start_background_task(self._watch)
        return key

    def take(self, key: int) -> Callable[[], None] | None:
        """The delivery still owed for ``key`` (None: it went out already)."""
        entry = self._waiting.pop(key, None)
        return entry[0] if entry else None

    def came_back(self, key: int) -> Callable[[], None] | None:
        if self.broken:
            log.info("own events come back through the message queue again")
            self.broken = False
        return self.take(key)

    def _watch(self) -> None:
        """Deliver what did not come back in time, oldest first, until nothing waits."""
        try:
            while self._waiting:
                self._server.sleep(_WATCH_INTERVAL)
                now = time.monotonic()
                for key, (_, due) in list(self._waiting.items()):
                    if due > now:
                        break  # keys are in order of their deadlines
                    deliver = self.take(key)
                    if deliver is not None:
                        if not self.broken:
                            log.warning("own events do not come back through the message "
                                        "queue; delivering them here at once")
                            self.broken = True
                        deliver()
        finally:
            self._watching = False


class LoopbackOwnEvents:
    """Mixed in above a ``PubSubManager`` (see :func:`client_manager.make_client_manager`)."""

    def _loopbacks(self) -> Loopbacks:
        loopbacks = getattr(self, "_own_loopbacks", None)
        if loopbacks is None:
            loopbacks = self._own_loopbacks = Loopbacks(self.server)
        return loopbacks

    def _handle_emit(self, message):
        host = message.get("host_id")
        if host == self.host_id:  # emitted here, about to be published
            if message.get("callback") is None and recovery_writer.in_clustered_send():
                key = self._loopbacks().expect(partial(super()._handle_emit, message))
                message["host_id"] = f"{self.host_id}#{key}"
                return None
            return super()._handle_emit(message)
        if isinstance(host, str) and host.startswith(f"{self.host_id}#"):  # came back
            deliver = self._loopbacks().came_back(int(host.rpartition("#")[2]))
            return deliver() if deliver is not None else None
        return super()._handle_emit(message)

    def _publish(self, data):
        published = super()._publish(data)
        host = data.get("host_id")
        if isinstance(host, str) and host.startswith(f"{self.host_id}#") and (
                published is None or self._loopbacks().broken):
            # Not coming back (RedisManager answers None when it gave up; other queues always
            # do, so they keep delivering at once, as python-socketio does).
            deliver = self._loopbacks().take(int(host.rpartition("#")[2]))
            if deliver is not None and not recovery_writer.defer_local(deliver):
                deliver()
        return published
