"""An event's summary figures: messages per minute, viewers over time, questions and polls.

Read-only; shared by the summary page, ``GET /api/events/<id>/summary`` and the plot.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from chatapp.extensions import db
from chatapp.models import Event, EventViewerSample, Message
from chatapp.queries import event_stage
from chatapp.queries import events as event_queries
from chatapp.serializers import event_summary, poll_payload, question_payload
from chatapp.timeutil import isoformat_z


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def messages_per_minute(room_id: int) -> list[tuple[datetime, int]]:
    """``(minute, messages)`` for each minute that had any, oldest first (deleted ones out).
    Reads only the timestamps, in one pass."""
    counts: Counter = Counter()
    rows = db.session.execute(select(Message.created_at).where(
        Message.room_id == room_id, Message.deleted_at.is_(None)).execution_options(
        yield_per=2000))
    for (created_at,) in rows:
        counts[_minute(created_at)] += 1
    return sorted(counts.items())


def viewers_per_minute(event_id: str) -> list[tuple[datetime, int]]:
    return [(s.minute, s.viewers) for s in db.session.scalars(
        select(EventViewerSample).where(EventViewerSample.event_id == event_id)
        .order_by(EventViewerSample.minute))]


def event_report(event: Event) -> dict:
    """The summary as JSON: the event, its figures, the series and the Q&A and polls."""
    messages = messages_per_minute(event.room_id)
    viewers = viewers_per_minute(event.id)
    questions = [question_payload(q) for q in event_stage.questions(event.id)]
    polls = [poll_payload(p, *event_stage.poll_results(p)) for p in event_stage.polls(event.id)]
    return {
        "event": event_summary(event, *event_queries.event_counts(event)),
        "totals": {
            "messages": sum(n for _, n in messages),
            "questions": len(questions),
            "answered": sum(1 for q in questions if q["status"] == "answered"),
            "polls": len(polls),
            "peakViewers": event.peak_viewers or 0,
            "uniqueViewers": event.unique_viewers or 0,
        },
        "messagesPerMinute": [{"minute": isoformat_z(m), "count": n} for m, n in messages],
        "viewersPerMinute": [{"minute": isoformat_z(m), "count": n} for m, n in viewers],
        "questions": questions,
        "polls": polls,
    }
