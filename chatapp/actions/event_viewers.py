"""Keeping an event's viewer figures: unique viewers, the peak, and per-minute samples for
the summary's plot. Called by the join and leave paths, which then announce the new counts
(``events:update``)."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from chatapp.extensions import db
from chatapp.models import Event, EventViewer, EventViewerSample
from chatapp.timeutil import utcnow


def _first_visit(event_id: str, user_id: int) -> bool:
    """Record that ``user_id`` watched (once); True if this was their first time."""
    if db.session.get(EventViewer, (event_id, user_id)) is not None:
        return False
    db.session.add(EventViewer(event_id=event_id, user_id=user_id, first_seen_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:  # their other tab, a moment ago
        db.session.rollback()
        return False
    return True


def _sample(event_id: str, viewers: int) -> None:
    minute = utcnow().replace(second=0, microsecond=0)
    sample = db.session.get(EventViewerSample, (event_id, minute))
    if sample is None:
        db.session.add(EventViewerSample(event_id=event_id, minute=minute, viewers=viewers))
        try:
            db.session.commit()
            return
        except IntegrityError:  # another process sampled the same minute
            db.session.rollback()
            sample = db.session.get(EventViewerSample, (event_id, minute))
    db.session.execute(update(EventViewerSample).where(
        EventViewerSample.event_id == event_id, EventViewerSample.minute == minute,
        EventViewerSample.viewers < viewers).values(viewers=viewers))


def do_note_viewers(event_id: str, viewers: int, *, joined_user_id: int | None = None) -> None:
    """After a join (``joined_user_id``) or a leave: count a new unique viewer, raise the
    peak if ``viewers`` (people watching now) passed it, and keep the minute's sample.
    Commits; the caller announces."""
    if joined_user_id is not None and _first_visit(event_id, joined_user_id):
        db.session.execute(update(Event).where(Event.id == event_id)
                           .values(unique_viewers=Event.unique_viewers + 1))
    db.session.execute(update(Event).where(Event.id == event_id, Event.peak_viewers < viewers)
                       .values(peak_viewers=viewers))
    _sample(event_id, viewers)
    db.session.commit()
