"""Polls: the host (or a moderator) opens one, each person keeps one ballot (changeable
until the poll closes), results go to the event live; closed polls stay with their results.

Announcements: ``pollOpened``, ``pollUpdated`` (after each vote), ``pollClosed``, each with
the poll and its results (see :func:`chatapp.serializers.poll_payload`).
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from chatapp.actions.event_stage_access import (
    check_audience_write,
    check_staff,
    check_stage_open,
    check_stage_text,
)
from chatapp.errors import Conflict, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import EventPoll, EventPollBallot
from chatapp.queries import event_stage
from chatapp.realtime import stage_broadcast
from chatapp.security.identity import Actor
from chatapp.serializers import poll_payload
from chatapp.timeutil import utcnow

MAX_OPTIONS, MAX_OPTION_LENGTH, MAX_POLL_QUESTION = 10, 100, 300


def poll_with_results(poll: EventPoll) -> dict:
    return poll_payload(poll, *event_stage.poll_results(poll))


def check_poll(event_id: str, poll_id: int) -> EventPoll:
    poll = event_stage.poll_in(event_id, poll_id)
    if poll is None:
        raise NotFound(f"poll {poll_id} does not exist in this event")
    return poll


def check_options(raw: object) -> list[str]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
        raise Invalid(f"options must be a list of 2 to {MAX_OPTIONS} texts",
                      fields={"options": f"2 to {MAX_OPTIONS} texts"})
    options = [check_stage_text(text, "options", MAX_OPTION_LENGTH) for text in raw]
    if len(set(options)) != len(options):
        raise Invalid("options must differ", fields={"options": "duplicate option"})
    return options


def do_open_poll(actor: Actor, event_id: str, data: dict) -> dict:
    """Staff only: a new open poll, then ``pollOpened`` to the event."""
    event = check_staff(actor, event_id)
    check_stage_open(event)
    question = check_stage_text(data.get("question"), "question", MAX_POLL_QUESTION)
    options = check_options(data.get("options"))
    multiple = data.get("multiple", False)
    if not isinstance(multiple, bool):
        raise Invalid("multiple must be true or false", fields={"multiple": "must be a boolean"})
    poll = EventPoll(event_id=event.id, created_by_id=actor.user_id, question=question,
                     options=options, multiple=multiple, created_at=utcnow())
    db.session.add(poll)
    db.session.commit()
    payload = poll_with_results(poll)
    stage_broadcast.poll_opened(event.room_id, payload)
    return payload


def check_choices(poll: EventPoll, raw: object) -> list[int]:
    """Option indexes, distinct and in range: exactly one for a single-choice poll, one or
    more for a multiple-choice one."""
    if not isinstance(raw, list) or not all(isinstance(i, int) and not isinstance(i, bool)
                                            for i in raw):
        raise Invalid("choices must be a list of option indexes",
                      fields={"choices": "a list of integers"})
    choices = sorted(set(raw))
    if len(choices) != len(raw) or not choices:
        raise Invalid("choices must be distinct and not empty", fields={"choices": "invalid"})
    if choices[0] < 0 or choices[-1] >= len(poll.options):
        raise Invalid("no such option", fields={"choices": "out of range"})
    if not poll.multiple and len(choices) != 1:
        raise Invalid("this poll takes one choice", fields={"choices": "exactly one"})
    return choices


def do_vote_poll(actor: Actor, event_id: str, poll_id: int, raw_choices: object) -> dict:
    """Cast or replace the actor's one ballot (the primary key keeps it one, across tabs and
    processes), then ``pollUpdated`` to the event. Returns the poll with ``myChoices``."""
    event = check_audience_write(actor, event_id)
    poll = check_poll(event.id, poll_id)
    if poll.closed_at is not None:
        raise Conflict("this poll is closed")
    choices = check_choices(poll, raw_choices)
    ballot = db.session.get(EventPollBallot, (poll.id, actor.user_id))
    if ballot is None:
        db.session.add(EventPollBallot(poll_id=poll.id, user_id=actor.user_id, choices=choices,
                                       updated_at=utcnow()))
    else:
        ballot.choices, ballot.updated_at = choices, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another tab cast the first ballot a moment ago: replace it
        db.session.rollback()
        ballot = db.session.get(EventPollBallot, (poll.id, actor.user_id))
        ballot.choices, ballot.updated_at = choices, utcnow()
        db.session.commit()
    payload = poll_with_results(poll)
    stage_broadcast.poll_updated(event.room_id, payload)
    return {**payload, "myChoices": choices}


def do_close_poll(actor: Actor, event_id: str, poll_id: int) -> dict:
    """Staff only: no more votes; ``pollClosed`` with the final results to the event."""
    event = check_staff(actor, event_id)
    poll = check_poll(event.id, poll_id)
    if poll.closed_at is not None:
        raise Conflict("this poll is already closed")
    poll.closed_at = utcnow()
    db.session.commit()
    payload = poll_with_results(poll)
    stage_broadcast.poll_closed(event.room_id, payload)
    return payload
