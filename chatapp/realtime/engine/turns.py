"""Turns on the event loop for the readers, which handle their socket's events inline.

Events are handled in the reader's greenlet (``async_handlers=False``: one socket's events in
the order they came). A handler rarely gives the loop back: SQLite does not, and our writes
never block. So a reader whose client had many frames buffered handled all of them before any
other socket's frame, however long that took: under the closed-loop fan-out benchmark, 5% of
the deliveries took over 10 s while the median took 44 ms, and a burst of 300 messages from one
client held another client's message until the burst was done (tests/test_realtime_turns.py).

A reader therefore takes turns: once it has handled frames for ``TURN_SECONDS`` since the loop
last woke it, it yields until the loop has polled once more (the others' ready frames are
handled, then it goes on where it stopped; its own order is kept). A reader that finds
nothing buffered blocks anyway, so an unloaded server pays two clock reads per frame and
never yields.
"""
from __future__ import annotations

import time

import gevent

# gevent's own switch interval: how long it lets callbacks run before it polls the loop again.
TURN_SECONDS = 0.005
# A timer, not ``sleep(0)``: gevent runs a greenlet that slept 0 again from its callback queue
# before it polls for I/O (it looks at the clock only every 50 callbacks), so the others'
# frames still waited (the test's message came after two thirds of the burst). A timer set
# from the loop's time, which stands still during a turn, is already due at the next poll.
YIELD_SECONDS = 0.000001


class ReaderTurn:
    """One reader's turn: :meth:`begin` before handling a frame, :meth:`end` after it."""

    __slots__ = ("loop", "mark", "started")

    def __init__(self) -> None:
        self.loop = gevent.get_hub().loop
        self.mark: float | None = None
        self.started = 0.0

    def begin(self) -> None:
        # The loop's time changes only when it polls: then this reader was woken anew (it had
        # blocked or yielded), and a new turn starts.
        if (now := self.loop.now()) != self.mark:
            self.mark, self.started = now, time.monotonic()

    def end(self) -> None:
        if time.monotonic() - self.started > TURN_SECONDS:
            gevent.sleep(YIELD_SECONDS)
            self.mark = None
