"""Who may do what on an event's stage: shared checks for questions, polls and announcements."""
from __future__ import annotations

from flask import current_app

from chatapp.actions.event_lifecycle import check_event
from chatapp.errors import EventEnded, Forbidden
from chatapp.models import Event
from chatapp.models.event_status import CANCELLED, ENDED, status_of
from chatapp.security import authz, ratelimit
from chatapp.security.identity import Actor
from chatapp.validation import clean_text


def check_event_visible(actor: Actor | None, event_id: str) -> Event:
    """The event, if the actor may see it (not banned from its chat)."""
    event = check_event(event_id)
    authz.check_can_see(actor, event.room)
    return event


def is_staff(actor: Actor | None, event: Event) -> bool:
    """The host, the event's moderators and admins."""
    if actor is None:
        return False
    return authz.RANK[authz.room_role(actor, event.room)] >= authz.RANK[authz.ROLE_MODERATOR]


def check_staff(actor: Actor, event_id: str) -> Event:
    """The event, if the actor is its host, one of its moderators or an admin."""
    event = check_event(event_id)
    if not is_staff(actor, event):
        raise Forbidden("only the event's host and moderators may do this")
    return event


def check_stage_open(event: Event) -> None:
    """The audience may ask and vote until the event ends or is cancelled."""
    status = status_of(event)
    if status in (ENDED, CANCELLED):
        raise EventEnded(f"the event is {status}")


def check_audience_write(actor: Actor, event_id: str) -> Event:
    """A visible, open event; the actor not muted there and within the message rate limit."""
    event = check_event_visible(actor, event_id)
    check_stage_open(event)
    authz.check_can_post(actor, event.room_id)
    ratelimit.check("RATE_LIMIT_MESSAGES", f"user:{actor.user_id}", guest=actor.is_guest)
    return event


def check_stage_text(value: object, field: str, max_length: int | None = None) -> str:
    return clean_text(value, field,
                      max_length=max_length or current_app.config["MAX_MESSAGE_LENGTH"])
