"""Removing guests nobody can come back as and who left nothing behind.

Every anonymous ``user:login`` / ``joinEvent`` makes a guest row; without cleanup they pile up
forever (1,000 socket logins, 1,000 permanent rows). A guest is removed when all of these hold:

- **gone**: no socket of theirs is connected anywhere (no ``connections`` row);
- **unreachable**: every credential they had has expired: tokens are issued at login and a
  guest's browser session lasts as long, so nothing issued before ``GUEST_TOKEN_MAX_AGE`` ago
  still works, and their last login or departure (``last_seen_at``, else ``created_at``) is
  older than that;
- **left nothing behind**: no row anywhere refers to them (messages sent or received, rooms
  created, events hosted, memberships, moderation records, conversation reads...). The check
  is derived from the schema's foreign keys, so a table added later protects its rows too.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.exc import IntegrityError

from chatapp.extensions import db
from chatapp.models import User
from chatapp.timeutil import utcnow

log = logging.getLogger(__name__)
BATCH = 500  # rows per statement, so one round never holds a long lock


def references_to_users() -> list:
    """A NOT EXISTS condition per foreign key column that points at ``users.id``."""
    conditions = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == User.__tablename__ and table.name != User.__tablename__:
                conditions.append(~exists().where(fk.parent == User.id))
    return conditions


def stale_guest_ids(limit: int = BATCH) -> list[int]:
    """Guests who are gone, whose credentials have all expired and who left nothing behind."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["GUEST_TOKEN_MAX_AGE"])
    last_here = func.coalesce(User.last_seen_at, User.created_at)
    stmt = (select(User.id)
            .where(and_(User.is_guest.is_(True), last_here < cutoff, *references_to_users()))
            .order_by(User.id).limit(limit))
    return list(db.session.scalars(stmt))


def do_remove_stale_guests(limit: int = BATCH) -> int:
    """Delete up to ``limit`` stale guests; returns how many. The conditions are checked again
    in the DELETE itself, and a row that came to refer to a guest meanwhile (a private message
    to an old id) makes the database refuse: that round removes nobody and the next retries."""
    ids = stale_guest_ids(limit)
    if not ids:
        return 0
    try:
        result = db.session.execute(
            delete(User).where(User.id.in_(ids), *references_to_users())
            .execution_options(synchronize_session=False))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("a stale guest gained a reference while being removed; retrying later")
        return 0
    if result.rowcount:
        log.info("removed %d stale guests", result.rowcount)
    return result.rowcount or 0
