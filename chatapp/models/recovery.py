"""Connection state recovery (Socket.IO v4.6+), kept in the database so that it survives a
restart and works on any process: a log of the events the server emitted, and the sessions
that may resume reading it."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chatapp.extensions import db
from chatapp.timeutil import utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY (its rowid); PostgreSQL gets a bigint.
OFFSET_TYPE = BigInteger().with_variant(Integer, "sqlite")
# ``RecoveryEvent.channel`` of an event sent to several channels at once (listed in
# ``channels``); no Socket.IO room has this name.
CHANNEL_LIST = "*list"


class RecoveryEvent(db.Model):
    """One emitted event, as every recipient got it. Its id is the offset that travels as the
    event's trailing argument; ids grow in emission order (see chatapp/realtime/recovery_log)."""

    __tablename__ = "recovery_events"
    # SQLite must never reuse the id of a deleted (pruned) row: offsets only grow.
    __table_args__: ClassVar[dict] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(OFFSET_TYPE, primary_key=True, autoincrement=True)
    # Who got it: a channel (``room:<id>``, ``user:<id>``), ``session:<pid>`` for one socket,
    # None for every socket, or ``CHANNEL_LIST``: every socket in any of ``channels``.
    channel: Mapped[str | None] = mapped_column(String(80))
    channels: Mapped[str | None] = mapped_column(Text)  # JSON list, with CHANNEL_LIST only
    skip_session: Mapped[str | None] = mapped_column(String(40))  # the socket left out, if any
    event: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)  # the payload as JSON
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RecoverySession(db.Model):
    """A socket's private session id (``pid``) and what it needs to resume: the socket it is
    now, and, once it disconnected, who it was and which rooms it was in."""

    __tablename__ = "recovery_sessions"

    pid: Mapped[str] = mapped_column(String(40), primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), index=True)  # a disconnect looks it up
    # The last event logged before the session began: a reconnect that sends no offset (it
    # never got an event) resumes from here.
    start_offset: Mapped[int] = mapped_column(OFFSET_TYPE, default=0)
    user_id: Mapped[int | None] = mapped_column(Integer)
    room_ids: Mapped[str | None] = mapped_column(Text)  # JSON list, at disconnect
    # JSON list of the presence channels it listened to (presence:watch), at disconnect.
    presence: Mapped[str | None] = mapped_column(Text)
    guest_name_asked: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    disconnected_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
