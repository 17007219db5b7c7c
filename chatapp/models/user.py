from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chatapp.extensions import db
from chatapp.timeutil import utcnow


class User(db.Model):
    """One identity: a guest today, an account later. Any number of sockets may act as it."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    # Accounts only: the lower-cased username, unique, so names are case-insensitively unique
    # among accounts while guests (NULL here) may share a name with someone offline.
    account_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    avatar: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str | None] = mapped_column(String(100))
    is_guest: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to revoke every credential issued so far (tokens carry the version they were made at).
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
