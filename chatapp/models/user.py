from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from chatapp.extensions import db
from chatapp.timeutil import utcnow


class User(db.Model):
    """One identity: a guest today, an account later. Any number of sockets may act as it."""

    __tablename__ = "users"
    # Guest names are unique among those online, case-insensitively: a login looks the name
    # up here rather than going through everyone online.
    __table_args__ = (Index("ix_users_username_lower", text("lower(username)")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A host-app user's id in that app (e.g. 24 hex digits), which is also their id on the
    # wire; NULL for our own users, who go by ``id`` in decimal. Never all digits.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    # Accounts only: the lower-cased username, unique, so names are case-insensitively unique
    # among accounts while guests (NULL here) may share a name with someone offline.
    account_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(64))
    # Lower-cased and validated; signs in to the web pages and the old REST auth.
    email: Mapped[str | None] = mapped_column(String(254), unique=True, index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    avatar: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str | None] = mapped_column(String(100))
    is_guest: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped to revoke every credential issued so far (tokens carry the version they were made at).
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When the user last logged in or went offline (the old REST auth's ``lastSeen``).
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
