"""How far each user has read each private conversation (for unread badges)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from chatapp.extensions import db
from chatapp.timeutil import utcnow


class ConversationRead(db.Model):
    """``user_id`` has read every message ``peer_id`` sent them up to ``last_read_id``.

    One row per reader and peer, moved forward only: unread = the peer's messages to the
    reader with a higher id. Cheaper than a flag per message, and a new tab agrees at once.
    """

    __tablename__ = "conversation_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
