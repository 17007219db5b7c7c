"""Who is connected where, kept in the database so that every server process sees it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chatapp.extensions import db
from chatapp.timeutil import utcnow

# Ends the id of a placeholder process row that holds the presence of sockets handed off at a
# shutdown (chatapp.actions.presence.do_park_sockets).
PARKED_SUFFIX = "-parked"


class ServerProcess(db.Model):
    """A running server process. Its heartbeat going stale marks its sockets as gone."""

    __tablename__ = "server_processes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # Set by the survivor that claims a dead process's sockets, so only one announces them.
    reaped_by: Mapped[str | None] = mapped_column(String(36))


class Connection(db.Model):
    """A logged-in socket: which user it acts as and which process holds it."""

    __tablename__ = "connections"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    process_id: Mapped[str] = mapped_column(
        ForeignKey("server_processes.id", ondelete="CASCADE"), index=True
    )
    connected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")


class RoomPresence(db.Model):
    """A socket that joined a room (community room or event chat)."""

    __tablename__ = "room_presence"

    sid: Mapped[str] = mapped_column(
        ForeignKey("connections.sid", ondelete="CASCADE"), primary_key=True
    )
    room_id: Mapped[int] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
