from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from chatapp.extensions import db
from chatapp.timeutil import utcnow

ROOM_KIND_COMMUNITY = "community"
ROOM_KIND_EVENT = "event"


class Room(db.Model):
    """A place messages are posted to: a community room, or the chat of a live event.

    Both kinds share the message store and the write path; ``kind`` only decides which protocol
    announces what happens in it and whether it is listed in ``rooms:list``.
    """

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=ROOM_KIND_COMMUNITY, index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(40), default="general")
    # The owner of a community room (an event's owner is its host).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Private rooms are listed, joined and read only by their members (room_members).
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    # At most one message per this many seconds per user; 0 is off. Moderators are exempt.
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    messages: WriteOnlyMapped["Message"] = relationship(  # noqa: F821
        back_populates="room", passive_deletes=True
    )
