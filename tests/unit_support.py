"""Helpers for unit tests of the write path: a recorder standing in for the Socket.IO server.

Every server event goes through ``chatapp.realtime.broadcast.send``; the ``bus`` fixture replaces it (and
``subscribe``/``unsubscribe``, which need a real socket server) with a :class:`Recorder`, freezes
the clock the actions stamp their payloads with, and runs the test inside an app context.

Test modules import the fixture: ``from tests.unit_support import bus  # noqa: F401``.
"""
from __future__ import annotations

import copy
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

import pytest
import sqlalchemy as sa

from chatapp.actions import messages as messages_actions
from chatapp.actions import presence as presence_actions
from chatapp.actions import rooms as rooms_actions
from chatapp.actions.sessions import LoginResult, do_login
from chatapp.cluster import process_registry
from chatapp.extensions import db
from chatapp.models import ServerProcess
from chatapp.realtime import broadcast
from chatapp.security.identity import Actor
from chatapp.serializers import wire_user_id
from chatapp.timeutil import utcnow

# The instant actions stamp on what they write and announce (``utcnow`` in the action modules).
NOW = datetime(2026, 1, 2, 3, 4, 5, 678000)
NOW_Z = "2026-01-02T03:04:05.678Z"
# The name fields every user and message shape carries, for a guest (the bus logs in guests).
GUEST_NAME = {"displayName": None, "isGuest": True}


def plain(text: str) -> dict:
    """The message features (``html``, ``editedAt``, ...) of a plain one-line message that
    nobody edited, reacted to or answered."""
    return {"html": f"<p>{text}</p>", "editedAt": None, "reactions": [], "replyTo": None,
            "mentions": [], "attachments": []}

DEFAULT_ROOMS = [
    (1, "CS Study Group", "academic"),
    (2, "Math Help", "academic"),
    (3, "Campus Events", "campus"),
    (4, "Gaming Club", "interests"),
    (5, "Photography", "interests"),
]


@dataclass(frozen=True)
class Emit:
    """One ``broadcast.send`` call: ``to`` is a channel, a socket id, or None (everyone)."""

    event: str
    data: Any
    to: str | None = None
    skip_sid: str | None = None


class Recorder:
    """Records emits and channel subscriptions in order."""

    def __init__(self) -> None:
        self.emits: list[Emit] = []
        self.subscribed: list[tuple[str, str]] = []
        self.unsubscribed: list[tuple[str, str]] = []
        # Called with the Emit before it is recorded, e.g. to look at the database at that moment.
        self.on_emit: Callable[[Emit], None] | None = None
        self.deferred: list[Emit] | None = None  # inside at_commit()

    def send(self, event: str, data: Any, *, to: str | None = None,
             skip_sid: str | None = None) -> None:
        emit = Emit(event, copy.deepcopy(data), to, skip_sid)
        if self.deferred is not None:
            self.deferred.append(emit)
        else:
            self._record(emit)

    def _record(self, emit: Emit) -> None:
        if self.on_emit is not None:
            self.on_emit(emit)
        self.emits.append(emit)

    @contextmanager
    def at_commit(self) -> Iterator[None]:
        """As ``broadcast.at_commit``: what the block sends is sent (recorded) after the commit
        at its end, in order; nothing is committed or sent if the block raises."""
        outer, self.deferred = self.deferred, []
        try:
            yield
            pending = self.deferred
        finally:
            self.deferred = outer
        db.session.commit()
        for emit in pending:
            self._record(emit)

    def subscribe(self, sid: str, channel: str) -> None:
        self.subscribed.append((sid, channel))

    def unsubscribe(self, sid: str, channel: str) -> None:
        self.unsubscribed.append((sid, channel))

    def events(self) -> list[str]:
        return [e.event for e in self.emits]

    def clear(self) -> None:
        self.emits.clear()
        self.subscribed.clear()
        self.unsubscribed.clear()


@pytest.fixture
def bus(app, monkeypatch) -> Recorder:
    """A recorder in place of the socket server, a frozen clock, and an app context."""
    recorder = Recorder()
    monkeypatch.setattr(broadcast, "send", recorder.send)
    monkeypatch.setattr(broadcast, "at_commit", recorder.at_commit)
    monkeypatch.setattr(broadcast, "subscribe", recorder.subscribe)
    monkeypatch.setattr(broadcast, "unsubscribe", recorder.unsubscribe)
    # The process id is cached per OS process; each test has a fresh database to register in.
    monkeypatch.setattr(process_registry, "_process_id", None)
    for module in (messages_actions, presence_actions, rooms_actions):
        monkeypatch.setattr(module, "utcnow", lambda: NOW)
    with app.app_context():
        yield recorder
        db.session.remove()


def login(bus: Recorder, sid: str, username: str | None = None, *, token: str | None = None,
          avatar: str | None = None) -> LoginResult:
    """Log a socket in and forget what that emitted."""
    result = do_login(sid, token=token, username=username, avatar=avatar)
    bus.clear()
    return result


def user(result: LoginResult) -> dict:
    """The ``{userId, username, avatar}`` shape of a logged-in user."""
    a = result.actor
    return {"userId": wire(a), "username": a.username, "avatar": a.avatar, **GUEST_NAME}


def wire(who: "LoginResult | Actor") -> str:
    """The id a user goes by in payloads (made by the server's own function)."""
    return wire_user_id(who.actor if isinstance(who, LoginResult) else who)


def default_rooms(counts: dict[int, int] | None = None) -> list[dict]:
    """The ``rooms:list`` / ``GET /api/rooms`` body of a fresh database."""
    counts = counts or {}
    return [{"id": i, "name": name, "description": "", "category": category,
             "usersCount": counts.get(i, 0), "isPrivate": False}
            for i, name, category in DEFAULT_ROOMS]


def add_process(name: str, *, age_seconds: float = 0) -> str:
    """Register another server process whose last heartbeat was ``age_seconds`` ago; return
    its id (ending in our pid, so :func:`as_process` can borrow it without re-registering)."""
    process_id = f"{name}-{os.getpid()}"
    db.session.add(ServerProcess(id=process_id, hostname="elsewhere", pid=1,
                                 heartbeat_at=utcnow() - timedelta(seconds=age_seconds)))
    db.session.commit()
    return process_id


def set_heartbeat_age(process_id: str, age_seconds: float) -> None:
    db.session.execute(sa.update(ServerProcess).where(ServerProcess.id == process_id)
                       .values(heartbeat_at=utcnow() - timedelta(seconds=age_seconds)))
    db.session.commit()


def as_process(monkeypatch, process_id: str) -> None:
    """Make the next logins register their sockets as held by ``process_id``."""
    monkeypatch.setattr(process_registry, "_process_id", process_id)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def fresh_scalar(app, sql: str, **params) -> Any:
    """Run ``sql`` on a brand-new engine and connection: sees only what is committed."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()
