"""Reads shared by the greenlets of one turn: one read for all who asked in the turn, a new
read for whoever asks once it has started, and a failure reaches every waiter."""
from __future__ import annotations

import gevent
import pytest

from chatapp.queries.turn_shared import TurnShared


def test_those_asking_in_one_turn_share_one_read_and_each_key_has_its_own():
    reads = []

    def read(key):
        reads.append(key)
        return [key, len(reads)]

    shared = TurnShared(read)
    asks = [gevent.spawn(shared, "a") for _ in range(5)] + [gevent.spawn(shared, "b")]
    gevent.joinall(asks, raise_error=True)
    assert sorted(reads) == ["a", "b"]
    answers = [g.value for g in asks[:5]]
    assert all(answer is answers[0] for answer in answers)
    assert asks[5].value[0] == "b"


def test_an_ask_made_while_the_read_runs_gets_a_read_of_its_own():
    """A driver that yields mid-query (psycopg under gevent): what committed after the read
    began may be missing from it, so a later ask must not take its answer."""
    reads = []

    def slow_read(key):
        reads.append(key)
        answer = len(reads)
        gevent.sleep(0.01)  # the query, yielding to the loop
        return answer

    shared = TurnShared(slow_read)
    first = gevent.spawn(shared, "a")
    gevent.sleep(0.005)  # first's read has started
    second = gevent.spawn(shared, "a")
    gevent.joinall([first, second], raise_error=True)
    assert reads == ["a", "a"] and (first.value, second.value) == (1, 2)


def test_a_failed_read_fails_every_waiter_and_the_next_turn_reads_again():
    calls = []

    def failing(key):
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return "fine"

    shared = TurnShared(failing)
    asks = [gevent.spawn(shared, "k") for _ in range(3)]
    gevent.joinall(asks)
    assert all(isinstance(g.exception, RuntimeError) for g in asks)
    assert shared("k") == "fine" and len(calls) == 2


def test_a_killed_reader_does_not_leave_its_waiters_hanging():
    shared = TurnShared(lambda key: gevent.sleep(10))  # a query that hangs
    leader = gevent.spawn(shared, "k")
    waiter = gevent.spawn(shared, "k")
    gevent.sleep(0.01)  # the leader is reading, the waiter waits for its answer
    assert not leader.ready() and not waiter.ready()
    leader.kill()
    waiter.join(timeout=2)
    assert waiter.ready()
    with pytest.raises(RuntimeError):
        waiter.get()
