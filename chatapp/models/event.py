from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chatapp.extensions import db
from chatapp.timeutil import utcnow

EVENT_STATUSES = ("scheduled", "live", "ended", "cancelled")


class Event(db.Model):
    """A live event. Its chat is an ordinary room (``kind='event'``), so its messages share the
    message store and the write path with community rooms.

    The status is derived from the times (see :func:`chatapp.models.event_status.status_of`); the host's
    start / end / cancel set those times. ``announced_status`` is the status clients were last
    told about, so a time-driven change is announced exactly once.
    """

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    host_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    chat_before_start: Mapped[bool] = mapped_column(Boolean, default=False)
    ad_hoc: Mapped[bool] = mapped_column(Boolean, default=False)
    announced_status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The host's pinned announcement at the top of the chat (None: none pinned).
    announcement: Mapped[str | None] = mapped_column(Text)
    announcement_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Moderated chat: messages from anyone but staff wait for a moderator's approval.
    moderated_chat: Mapped[bool] = mapped_column(Boolean, default=False)
    # The most people watching at once, and how many different people ever watched.
    peak_viewers: Mapped[int] = mapped_column(Integer, default=0)
    unique_viewers: Mapped[int] = mapped_column(Integer, default=0)

    room = relationship("Room")
    host = relationship("User")
