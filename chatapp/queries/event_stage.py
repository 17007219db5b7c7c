"""Read-only queries about an event's stage: its questions (sorted as the audience sees
them) and its polls with their results."""
from __future__ import annotations

from sqlalchemy import select

from chatapp.extensions import db
from chatapp.models import EventPoll, EventPollBallot, EventQuestion, EventQuestionVote
from chatapp.models.event_stage import QUESTION_DISMISSED


def questions(event_id: str, *, include_dismissed: bool = False) -> list[EventQuestion]:
    """The pinned question first, then by votes (most first), then oldest first; dismissed
    questions only when asked for (staff views)."""
    stmt = select(EventQuestion).where(EventQuestion.event_id == event_id)
    if not include_dismissed:
        stmt = stmt.where(EventQuestion.status != QUESTION_DISMISSED)
    stmt = stmt.order_by(EventQuestion.pinned.desc(), EventQuestion.votes.desc(),
                         EventQuestion.id)
    return list(db.session.scalars(stmt))


def question_in(event_id: str, question_id: int) -> EventQuestion | None:
    question = db.session.get(EventQuestion, question_id)
    return question if question is not None and question.event_id == event_id else None


def voted_questions(event_id: str, user_id: int) -> list[int]:
    """Ids of the event's questions this user voted for (so a page marks them)."""
    return list(db.session.scalars(
        select(EventQuestionVote.question_id).join(
            EventQuestion, EventQuestion.id == EventQuestionVote.question_id)
        .where(EventQuestion.event_id == event_id, EventQuestionVote.user_id == user_id)
        .order_by(EventQuestionVote.question_id)))


def polls(event_id: str) -> list[EventPoll]:
    """Every poll of the event, open and closed, oldest first."""
    return list(db.session.scalars(
        select(EventPoll).where(EventPoll.event_id == event_id).order_by(EventPoll.id)))


def poll_in(event_id: str, poll_id: int) -> EventPoll | None:
    poll = db.session.get(EventPoll, poll_id)
    return poll if poll is not None and poll.event_id == event_id else None


def poll_results(poll: EventPoll) -> tuple[list[int], int]:
    """Votes per option and the number of voters, counted from the ballots."""
    counts = [0] * len(poll.options)
    voters = 0
    for choices in db.session.scalars(
            select(EventPollBallot.choices).where(EventPollBallot.poll_id == poll.id)):
        voters += 1
        for index in choices:
            if 0 <= index < len(counts):
                counts[index] += 1
    return counts, voters


def my_choices(poll_id: int, user_id: int) -> list[int]:
    ballot = db.session.get(EventPollBallot, (poll_id, user_id))
    return list(ballot.choices) if ballot is not None else []
