"""Room membership and roles, bans, mutes and the moderation record."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chatapp.extensions import db
from chatapp.timeutil import utcnow

ROLE_OWNER, ROLE_MODERATOR, ROLE_MEMBER = "owner", "moderator", "member"


class RoomMember(db.Model):
    """A user's standing in a room: a private room's members, and any room's moderators."""

    __tablename__ = "room_members"

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RoomBan(db.Model):
    """A banned user cannot join or read the room; kept until lifted."""

    __tablename__ = "room_bans"

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    banned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RoomMute(db.Model):
    """A muted user may read but not post or type until ``until``."""

    __tablename__ = "room_mutes"

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    until: Mapped[datetime] = mapped_column(DateTime)
    muted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ModerationRecord(db.Model):
    """Who did what to whom, when: every moderation action is recorded."""

    __tablename__ = "moderation_records"
    __table_args__ = (Index("ix_moderation_records_room_id_id", "room_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
