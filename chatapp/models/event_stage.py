"""What happens on an event's stage besides its chat: audience questions and polls.

One vote per person is kept by the database itself (composite primary keys), so two tabs or
two processes voting at the same moment cannot count twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chatapp.extensions import db
from chatapp.timeutil import utcnow

QUESTION_OPEN, QUESTION_ANSWERED, QUESTION_DISMISSED = "open", "answered", "dismissed"
QUESTION_STATUSES = (QUESTION_OPEN, QUESTION_ANSWERED, QUESTION_DISMISSED)


class EventQuestion(db.Model):
    """A question from the audience. ``author_id`` is always kept (the host's record), even
    when ``anonymous`` hides the author from the audience. ``votes`` mirrors the count of
    :class:`EventQuestionVote` rows, kept in the same transaction, so lists sort by it."""

    __tablename__ = "event_questions"
    __table_args__ = (Index("ix_event_questions_event_id_id", "event_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=QUESTION_OPEN)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    votes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    author = relationship("User", lazy="joined")


class EventQuestionVote(db.Model):
    """One person's vote for one question: the primary key makes it one."""

    __tablename__ = "event_question_votes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("event_questions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EventPoll(db.Model):
    """A poll the host opened: ``options`` is the list of choice texts (indexed from 0).
    Closed once ``closed_at`` is set; closed polls stay visible with their results."""

    __tablename__ = "event_polls"
    __table_args__ = (Index("ix_event_polls_event_id_id", "event_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list] = mapped_column(JSON)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class EventPollBallot(db.Model):
    """One person's ballot in one poll (the primary key makes it one): the option indexes
    they chose. Replaced, not added to, when they change their vote."""

    __tablename__ = "event_poll_ballots"

    poll_id: Mapped[int] = mapped_column(ForeignKey("event_polls.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    choices: Mapped[list] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EventViewer(db.Model):
    """Someone who watched an event at least once (its unique viewers)."""

    __tablename__ = "event_viewers"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EventViewerSample(db.Model):
    """The most viewers an event had during one minute (for the summary's plot)."""

    __tablename__ = "event_viewer_samples"

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          primary_key=True)
    minute: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    viewers: Mapped[int] = mapped_column(Integer, default=0)


HELD_PENDING, HELD_APPROVED, HELD_REJECTED = "pending", "approved", "rejected"


class EventHeldMessage(db.Model):
    """A message held for review in a moderated event's chat. Approval posts it as an
    ordinary message (``message_id``); a rejected one stays here for the record."""

    __tablename__ = "event_held_messages"
    __table_args__ = (Index("ix_event_held_messages_event_id_status", "event_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=HELD_PENDING)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
