from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chatapp.extensions import db
from chatapp.timeutil import utcnow


class Message(db.Model):
    """One stored message: in a room (``room_id``) or private (``recipient_id``), never both."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_room_id_id", "room_id", "id"),
        Index("ix_messages_conversation", "sender_id", "recipient_id", "id"),
        Index("ix_messages_inbox", "recipient_id", "sender_id", "id"),
        # One message per sender and client message id: a retried send finds the first.
        Index("ix_messages_sender_client_id", "sender_id", "client_message_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A moderator's deletion: the row stays for the record, but no one reads it any more.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The sender's own id for the message (``clientMessageId``), so a retry is not stored twice.
    client_message_id: Mapped[str | None] = mapped_column(String(64))
    # Set by the author's edit (``content`` then holds the new text; no edit history kept).
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The message this one answers (same room, or same conversation), if any.
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"))

    room = relationship("Room", back_populates="messages")
    sender = relationship("User", foreign_keys=[sender_id], lazy="joined")
    # Private messages only. Loaded on access: in a conversation both people are also
    # senders, so the identity map usually has the recipient already (no extra query).
    recipient = relationship("User", foreign_keys=[recipient_id])
