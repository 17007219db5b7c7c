"""The server's Prometheus metrics, and the one-line hooks the rest of the app calls.

Cheap on the hot path: a hook adds to a dict in this process's memory (no lock: greenlets only
switch at I/O, so an increment is never interleaved) and does nothing per delivery beyond one
addition. :func:`flush` moves the pending counts into prometheus-client's multi-process files
every few seconds, before every scrape, and at exit (see :mod:`.sampling`); a process killed
with ``kill -9`` loses at most those few seconds of counts.

Hooks (each called from exactly one place):

- :func:`message_stored` (actions/messages.py ``store_message``), :func:`emitted`
  (realtime/broadcast.py ``send``), :func:`messages_delivered` (realtime/client_manager.py),
- :func:`handler_finished` and :func:`refused` (realtime/dispatch.py; REST refusals in
  error_handlers.py), :func:`http_request_finished` (observability/logs.py),
- :func:`login` (actions/sessions.py, actions/accounts.py),
- :func:`recovery` for connection state recovery outcomes (the recovery code calls it).

Label values come from fixed sets (event names of our tables, error codes, endpoints), never
from what a client sends, so the number of series stays bounded.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Iterable

from chatapp.observability import multiproc

METRICS_DIR, SHARED_DIR = multiproc.prepare()  # before prometheus_client reads the variable

from prometheus_client import Counter, Gauge, Histogram, values  # noqa: E402

if not values.ValueClass._multiprocess:
    # Something imported prometheus_client before the variable was set (a tool, a test):
    # its choice of in-memory values would leave every file empty and /metrics blank.
    values.ValueClass = values.get_value_class()

# Socket handlers take about a millisecond (one INSERT and COMMIT); REST pages a few.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                   2.5, 5.0, 10.0)


class BulkHistogram(Histogram):
    """A Histogram that can add many observations at once, as :class:`BufferedHistogram`
    needs; prometheus-client only offers ``observe`` (one value, and a lock per call)."""

    def add_counts(self, bucket_counts: dict[int, int], total: float) -> None:
        """Add ``count`` observations to bucket ``index`` (non-cumulative, as ``observe``
        stores them) for each entry, and ``total`` to the sum."""
        for index, count in bucket_counts.items():
            self._buckets[index].inc(count)
        self._sum.inc(total)


class BufferedCounter:
    """A labelled Counter whose increments wait in a dict until :meth:`flush`."""

    __slots__ = ("counter", "pending")

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.pending: dict[tuple[str, ...], float] = {}

    def inc(self, labels: tuple[str, ...], amount: float = 1) -> None:
        pending = self.pending
        pending[labels] = pending.get(labels, 0) + amount

    def flush(self) -> None:
        pending, self.pending = self.pending, {}  # one step: no increment can fall between
        for labels, amount in pending.items():
            self.counter.labels(*labels).inc(amount)


class BufferedHistogram:
    """A Histogram with one label whose observations wait in memory until :meth:`flush`."""

    __slots__ = ("histogram", "bounds", "counts", "sums")

    def __init__(self, histogram: BulkHistogram, buckets: Iterable[float]) -> None:
        self.histogram = histogram
        self.bounds = [*buckets, float("inf")]
        self.counts: dict[tuple[str, int], int] = {}
        self.sums: dict[str, float] = {}

    def observe(self, label: str, value: float) -> None:
        # bisect_left: the first bucket whose bound is >= value, as observe()'s "<=" picks.
        key = (label, bisect_left(self.bounds, value))
        counts, sums = self.counts, self.sums
        counts[key] = counts.get(key, 0) + 1
        sums[label] = sums.get(label, 0.0) + value

    def flush(self) -> None:
        counts, sums = self.counts, self.sums
        self.counts, self.sums = {}, {}
        per_label: dict[str, dict[int, int]] = {}
        for (label, index), count in counts.items():
            per_label.setdefault(label, {})[index] = count
        for label, total in sums.items():
            self.histogram.labels(label).add_counts(per_label.get(label, {}), total)


def _counter(name: str, documentation: str, labels: Iterable[str]) -> BufferedCounter:
    return BufferedCounter(Counter(name, documentation, list(labels), registry=None))


def _histogram(name: str, documentation: str, label: str) -> BufferedHistogram:
    histogram = BulkHistogram(name, documentation, [label], buckets=LATENCY_BUCKETS,
                              registry=None)
    return BufferedHistogram(histogram, LATENCY_BUCKETS)


# --- counted on the hot path (buffered) --------------------------------------------------
MESSAGES_STORED = _counter("chat_messages_stored", "Messages committed to the database, by "
                           "kind (room: community rooms and event chats; private).", ["kind"])
MESSAGES_DELIVERED = _counter("chat_messages_delivered", "Message events sent to sockets of "
                              "this process (one per receiving socket), by event.", ["event"])
EMITS = _counter("chat_emits", "Events emitted by the server (one per emit call, to any number "
                 "of sockets), by event.", ["event"])
REFUSALS = _counter("chat_refusals", "Requests refused, by error code and transport (socket "
                    "or http).", ["code", "transport"])
LOGINS = _counter("chat_logins", "Sign-ins, by method (password, token, session, guest, "
                  "resume) and outcome (ok, failed).", ["method", "outcome"])
RECOVERIES = _counter("chat_recoveries", "Connection state recovery attempts after a "
                      "reconnect, by outcome.", ["outcome"])
HTTP_RESPONSES = _counter("chat_http_responses", "HTTP responses (pages, REST, static; not "
                          "Socket.IO transport requests), by status class.", ["status"])
HANDLER_SECONDS = _histogram("chat_socket_handler_seconds", "Time to handle one Socket.IO "
                             "event (including connect and disconnect), by event.", "event")
HTTP_SECONDS = _histogram("chat_http_request_seconds", "Time to answer one HTTP request, by "
                          "endpoint.", "endpoint")

# --- sampled every few seconds and at scrape time (see .sampling) ------------------------
CONNECTED_SOCKETS = Gauge("chat_connected_sockets", "Sockets open on live processes.",
                          registry=None, multiprocess_mode="livesum")
CONNECTED_USERS = Gauge("chat_connected_users", "Distinct users with at least one socket, "
                        "across the cluster (from the database; every process reports the "
                        "same value: aggregate with max).", registry=None,
                        multiprocess_mode="livemax")
DB_POOL_CONNECTIONS = Gauge("chat_db_pool_connections", "Database connections in this "
                            "process's pool, by state (in_use, idle).", ["state"],
                            registry=None, multiprocess_mode="livesum")
DB_POOL_LIMIT = Gauge("chat_db_pool_limit", "Most connections the pool may open (pool size "
                      "plus overflow).", registry=None, multiprocess_mode="livesum")
# Labelled by the Socket.IO channel so that nothing is reported without a message queue.
REDIS_UP = Gauge("chat_redis_up", "1 when the message queue's Redis answered the last ping, "
                 "0 when not (minimum over processes).", ["channel"], registry=None,
                 multiprocess_mode="livemin")
REDIS_PING_SECONDS = Gauge("chat_redis_ping_seconds", "How long the last Redis ping took "
                           "(maximum over processes).", ["channel"], registry=None,
                           multiprocess_mode="livemax")

BUFFERED = (MESSAGES_STORED, MESSAGES_DELIVERED, EMITS, REFUSALS, LOGINS, RECOVERIES,
            HTTP_RESPONSES, HANDLER_SECONDS, HTTP_SECONDS)
_OUTCOME = re.compile(r"^[a-z_]{1,32}$")


# --- hooks ---------------------------------------------------------------------------------

def message_stored(kind: str) -> None:
    MESSAGES_STORED.inc((kind,))


def messages_delivered(event: str, sockets: int) -> None:
    MESSAGES_DELIVERED.inc((event,), sockets)


def emitted(event: str) -> None:
    EMITS.inc((event,))


def refused(code: str, transport: str) -> None:
    REFUSALS.inc((code, transport))


def login(method: str, ok: bool) -> None:
    LOGINS.inc((method, "ok" if ok else "failed"))


def recovery(outcome: str) -> None:
    """One connection state recovery attempt: ``recovered`` (the missed events were
    replayed), ``expired`` (too old: the client starts afresh), ``failed``, or another short
    lower-case word; anything else is counted as ``other``."""
    RECOVERIES.inc((outcome if _OUTCOME.fullmatch(outcome) else "other",))


def handler_finished(event: str, seconds: float) -> None:
    HANDLER_SECONDS.observe(event, seconds)


def http_request_finished(endpoint: str, status: int, seconds: float) -> None:
    HTTP_SECONDS.observe(endpoint, seconds)
    HTTP_RESPONSES.inc((f"{status // 100}xx",))


def flush() -> None:
    """Move every pending count into the multi-process files."""
    for metric in BUFFERED:
        metric.flush()
