"""Audience questions (Q&A): ask, vote once, and the host's answered / pinned / dismissed.

Each action validates, writes, commits, then announces to the event: ``questionAsked`` or
``questionUpdated`` with the public shape (see :func:`chatapp.serializers.question_payload`).
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from chatapp.actions.event_stage_access import (
    check_audience_write,
    check_staff,
    check_stage_text,
)
from chatapp.errors import Conflict, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import EventQuestion, EventQuestionVote
from chatapp.models.event_stage import (
    QUESTION_ANSWERED,
    QUESTION_OPEN,
    QUESTION_STATUSES,
)
from chatapp.queries import event_stage
from chatapp.realtime import stage_broadcast
from chatapp.security.identity import Actor
from chatapp.serializers import question_payload
from chatapp.timeutil import utcnow

MAX_QUESTION_LENGTH = 500


def check_question(event_id: str, question_id: int) -> EventQuestion:
    question = event_stage.question_in(event_id, question_id)
    if question is None:
        raise NotFound(f"question {question_id} does not exist in this event")
    return question


def do_ask_question(actor: Actor, event_id: str, text: object, anonymous: object = False) -> dict:
    """Store a question (its author always recorded), then ``questionAsked`` to the event."""
    event = check_audience_write(actor, event_id)
    content = check_stage_text(text, "text", MAX_QUESTION_LENGTH)
    if not isinstance(anonymous, bool):
        raise Invalid("anonymous must be true or false", fields={"anonymous": "must be a boolean"})
    question = EventQuestion(event_id=event.id, author_id=actor.user_id, text=content,
                             anonymous=anonymous, status=QUESTION_OPEN, pinned=False, votes=0,
                             created_at=utcnow())
    db.session.add(question)
    db.session.commit()
    payload = question_payload(question)
    stage_broadcast.question_asked(event.room_id, payload)
    return payload


def _recount(question_id: int) -> None:
    """Set ``votes`` from the vote rows in the same transaction (right under concurrency:
    each transaction counts the rows that exist when it writes)."""
    count = select(func.count()).select_from(EventQuestionVote).where(
        EventQuestionVote.question_id == question_id).scalar_subquery()
    db.session.execute(update(EventQuestion).where(EventQuestion.id == question_id)
                       .values(votes=count))


def do_vote_question(actor: Actor, event_id: str, question_id: int, up: bool = True) -> dict:
    """Vote for a question (once: a second vote is ``conflict``, also from another tab or
    process, which the primary key refuses) or take the vote back (``up=False``); then
    ``questionUpdated`` with the new count to the event."""
    event = check_audience_write(actor, event_id)
    question = check_question(event.id, question_id)
    if question.status != QUESTION_OPEN:
        raise Conflict(f"this question is {question.status}; votes are closed")
    if up:
        db.session.add(EventQuestionVote(question_id=question.id, user_id=actor.user_id,
                                         created_at=utcnow()))
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise Conflict("you already voted for this question") from None
    else:
        vote = db.session.get(EventQuestionVote, (question.id, actor.user_id))
        if vote is None:
            raise Conflict("you have not voted for this question")
        db.session.delete(vote)
        db.session.flush()
    _recount(question.id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("you already voted for this question") from None
    db.session.refresh(question)
    payload = question_payload(question)
    stage_broadcast.question_updated(event.room_id, payload)
    return payload


def do_mark_question(actor: Actor, event_id: str, question_id: int, data: dict) -> dict:
    """The host or a moderator sets ``status`` (open / answered / dismissed) and/or
    ``pinned``. Pinning one question unpins the others (it is the one being answered);
    answering or dismissing unpins it. Each question that changed is announced with
    ``questionUpdated``."""
    event = check_staff(actor, event_id)
    question = check_question(event.id, question_id)
    status, pinned = data.get("status"), data.get("pinned")
    if status is None and pinned is None:
        raise Invalid("give status or pinned", fields={"status": "status or pinned is required"})
    if status is not None and status not in QUESTION_STATUSES:
        raise Invalid("status must be one of " + ", ".join(QUESTION_STATUSES),
                      fields={"status": "unknown status"})
    if pinned is not None and not isinstance(pinned, bool):
        raise Invalid("pinned must be true or false", fields={"pinned": "must be a boolean"})
    changed = [question]
    if status is not None:
        question.status = status
        question.answered_at = utcnow() if status == QUESTION_ANSWERED else None
        if status != QUESTION_OPEN:
            question.pinned = False
    if pinned:
        if question.status != QUESTION_OPEN:
            raise Conflict(f"a {question.status} question cannot be pinned")
        for other in event_stage.questions(event.id):
            if other.pinned and other.id != question.id:
                other.pinned = False
                changed.append(other)
        question.pinned = True
    elif pinned is False:
        question.pinned = False
    db.session.commit()
    for each in changed:
        stage_broadcast.question_updated(event.room_id, question_payload(each))
    return question_payload(question, staff=True)
