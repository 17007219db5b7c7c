"""Creating events and changing their schedule and status (start, end, cancel)."""
from __future__ import annotations

import secrets

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from chatapp.actions.event_fields import check_event_fields
from chatapp.errors import Conflict, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import Event, Room
from chatapp.models.event_status import CANCELLED, ENDED, LIVE, SCHEDULED, status_of
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries import events as event_queries
from chatapp.realtime import broadcast
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.serializers import event_summary
from chatapp.timeutil import utcnow


def check_event(event_id: str) -> Event:
    event = event_queries.get_event(event_id)
    if event is None:
        raise NotFound(f"event {event_id!r} does not exist")
    return event


def check_times(starts_at, ends_at) -> None:
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        # The field's text is what the event form shows under "Ends", so it names no API field.
        raise Invalid("endsAt must be after startsAt",
                      fields={"endsAt": "must be after the start"})


def new_event(event_id: str, name: str, *, host_id: int, description: str = "",
              starts_at=None, ends_at=None, chat_before_start: bool = False,
              ad_hoc: bool = False) -> Event:
    """Add an event and its chat room to the session (not committed)."""
    room = Room(kind=ROOM_KIND_EVENT, name=name[:80], category="event", created_by_id=host_id)
    event = Event(id=event_id, room=room, name=name, description=description, host_id=host_id,
                  starts_at=starts_at, ends_at=ends_at, chat_before_start=chat_before_start,
                  ad_hoc=ad_hoc)
    event.announced_status = status_of(event)
    db.session.add(event)
    return event


def announce_event(event: Event) -> dict:
    """``events:update`` to everyone with the event's current summary; returns the summary."""
    summary = event_summary(event, *event_queries.event_counts(event))
    broadcast.events_update(summary)
    return summary


def do_create_event(actor: Actor, data: object) -> Event:
    """Create a scheduled or live event hosted by ``actor`` (an account: guests cannot);
    ``events:update`` to everyone."""
    authz.check_can_create_event(actor)
    fields = check_event_fields(data, creating=True)
    check_times(fields.get("starts_at"), fields.get("ends_at"))
    event_id = fields.get("id") or f"event-{utcnow():%Y%m%d}-{_short_token()}"
    if event_queries.get_event(event_id) is not None:
        raise Conflict(f"event {event_id!r} already exists", fields={"id": "already taken"})
    event = new_event(event_id, fields["name"], host_id=actor.user_id,
                      description=fields.get("description") or "",
                      starts_at=fields.get("starts_at"), ends_at=fields.get("ends_at"),
                      chat_before_start=fields.get("chat_before_start", False))
    event.moderated_chat = fields.get("moderated_chat", False)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"event {event_id!r} already exists", fields={"id": "already taken"}) from None
    announce_event(event)
    return event


def _short_token() -> str:
    return secrets.token_hex(4)


def apply_action(event: Event, action: str) -> None:
    """Start now, end now or cancel, from the statuses where that makes sense."""
    now, status = utcnow(), status_of(event)
    if action == "start":
        if status != SCHEDULED:
            raise Conflict(f"a {status} event cannot be started")
        event.starts_at = now
        if event.ends_at is not None and event.ends_at <= now:
            event.ends_at = None
    elif action == "end":
        if status != LIVE:
            raise Conflict(f"a {status} event cannot be ended")
        event.ends_at = now
    elif action == "cancel":
        if status in (ENDED, CANCELLED):
            raise Conflict(f"a {status} event cannot be cancelled")
        event.cancelled_at = now


def do_update_event(actor: Actor, event_id: str, data: object) -> Event:
    """Rename, reschedule, start, end or cancel (host only). Participants get ``eventStatus``
    if the status changed; everyone gets ``events:update``."""
    event = check_event(event_id)
    authz.check_can_manage_event(actor, event)
    fields = check_event_fields(data, creating=False)
    if status_of(event) == CANCELLED and set(fields) - {"description"}:
        raise Conflict("a cancelled event cannot be changed")
    for key in ("name", "description", "starts_at", "ends_at", "chat_before_start",
                "moderated_chat"):
        if key in fields:
            setattr(event, key, fields[key])
    if "name" in fields:
        event.room.name = fields["name"][:80]
    check_times(event.starts_at, event.ends_at)
    if "action" in fields:
        apply_action(event, fields["action"])
    db.session.commit()
    do_announce_status(event)
    announce_event(event)
    return event


def do_announce_status(event: Event) -> bool:
    """Tell the event's participants (``eventStatus``) if its status changed since last told.

    The compare-and-set on ``announced_status`` makes the announcement happen once even when
    several processes notice the same change."""
    old, new = event.announced_status, status_of(event)
    if old == new:
        return False
    claimed = db.session.execute(update(Event).where(
        Event.id == event.id, Event.announced_status == old).values(announced_status=new))
    db.session.commit()
    if claimed.rowcount != 1:
        return False
    broadcast.event_status(event.room_id, event.id, new)
    return True


def do_announce_due_statuses() -> int:
    """Announce the status changes that time alone caused (a start or end time passed)."""
    announced = 0
    for event in event_queries.events_with_stale_announcement():
        if do_announce_status(event):
            announce_event(event)
            announced += 1
    return announced
