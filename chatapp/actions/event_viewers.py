"""Keeping an event's viewer figures: unique viewers, the peak, and per-minute samples for
the summary's plot. Called by the join and leave paths inside their own transaction (one
commit for the change and what it announces: a join storm of 5,000 people paid four commits
each when this committed on its own), which then announce the new counts (``events:update``).
"""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from chatapp.extensions import db
from chatapp.models import Event, EventViewer, EventViewerSample
from chatapp.timeutil import utcnow


def _insert(model):
    """An INSERT that can skip or merge a row already there (both dialects spell
    ``ON CONFLICT`` the same way; SQLAlchemy has one class per dialect)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def _first_visit(event_id: str, user_id: int) -> bool:
    """Record that ``user_id`` watched (once); True if this was their first time. Their other
    tab, at the same moment on another process, finds the row there and counts nobody."""
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT that SQLAlchemy built.
    inserted = db.session.execute(
        _insert(EventViewer).values(event_id=event_id, user_id=user_id, first_seen_at=utcnow())
        .on_conflict_do_nothing(index_elements=["event_id", "user_id"])
        .returning(EventViewer.user_id))
    return inserted.first() is not None


def _sample(event_id: str, viewers: int) -> None:
    """The minute's sample keeps the most viewers seen in it."""
    minute = utcnow().replace(second=0, microsecond=0)
    stmt = _insert(EventViewerSample).values(event_id=event_id, minute=minute, viewers=viewers)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["event_id", "minute"], set_={"viewers": stmt.excluded.viewers},
        where=EventViewerSample.viewers < stmt.excluded.viewers))


def note_viewers(event_id: str, viewers: int, *, joined_user_id: int | None = None) -> None:
    """After a join (``joined_user_id``) or a leave: count a new unique viewer, raise the
    peak if ``viewers`` (people watching now) passed it, and keep the minute's sample.
    In the caller's transaction: it commits, then announces."""
    if joined_user_id is not None and _first_visit(event_id, joined_user_id):
        db.session.execute(update(Event).where(Event.id == event_id)
                           .values(unique_viewers=Event.unique_viewers + 1))
    db.session.execute(update(Event).where(Event.id == event_id, Event.peak_viewers < viewers)
                       .values(peak_viewers=viewers))
    _sample(event_id, viewers)
