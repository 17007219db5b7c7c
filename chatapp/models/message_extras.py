"""What hangs off a message: reactions and mentions; and how far each user has read a room."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chatapp.extensions import db
from chatapp.timeutil import utcnow


class MessageReaction(db.Model):
    """``user_id`` reacted to ``message_id`` with ``emoji``; one row per user, message and
    emoji (reacting again with the same emoji takes it back)."""

    __tablename__ = "message_reactions"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    emoji: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MessageMention(db.Model):
    """``@name`` in a message named ``user_id`` (who may read it): for badges and highlights."""

    __tablename__ = "message_mentions"
    __table_args__ = (Index("ix_message_mentions_user", "user_id", "message_id"),)

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class RoomRead(db.Model):
    """``user_id`` has read room ``room_id`` (a community room or an event's chat) up to
    ``last_read_id``. Moved forward only, as :class:`ConversationRead`."""

    __tablename__ = "room_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         primary_key=True)
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
