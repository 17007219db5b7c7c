"""Moderated chat: in an event set to ``moderatedChat``, messages from anyone but its staff
(host, moderators, admins) are held for review. The author's tabs and the staff hear
``messageHeld``; a moderator approves (the message is then posted as any other:
``newMessage`` to the event) or rejects it; the author's tabs and the staff hear
``heldMessageResolved``."""
from __future__ import annotations

from sqlalchemy import select

from chatapp.actions.event_stage_access import check_staff
from chatapp.errors import Conflict, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import Event, EventHeldMessage, User
from chatapp.models.event_stage import HELD_APPROVED, HELD_PENDING, HELD_REJECTED
from chatapp.realtime import sidebar_broadcast, stage_broadcast
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.serializers import event_message_payload, event_times, user_payload
from chatapp.timeutil import utcnow


def held_payload(held: EventHeldMessage) -> dict:
    """``{id, eventId, text, username, userId, timestamp, isoTimestamp, status, author}``:
    ``id`` is the held message's own id (a string, as event message ids are)."""
    author = user_payload(held.author)
    return {"id": str(held.id), "eventId": held.event_id, "text": held.text,
            "username": author["username"], "userId": author["userId"],
            **event_times(held.created_at), "status": held.status, "author": author}


def is_held_for(actor: Actor, event: Event, room_id: int) -> bool:
    """Whether ``actor``'s messages in ``event`` wait for review (uses the cached policy)."""
    if not event.moderated_chat or actor.is_admin:
        return False
    return actor.user_id not in authz.policy_of(room_id).staff


def staff_ids(event: Event) -> set[int]:
    """Who hears about held messages: the host and the event's moderators."""
    return set(authz.policy_of(event.room_id).staff)


def do_hold_message(actor: Actor, event: Event, content: str) -> dict:
    """Keep a checked message for review; ``messageHeld`` to the author's tabs and the staff.
    Returns the held message (``held: true``) for the author's acknowledgement."""
    held = EventHeldMessage(event_id=event.id, author_id=actor.user_id, text=content,
                            status=HELD_PENDING, created_at=utcnow())
    db.session.add(held)
    db.session.commit()
    payload = held_payload(held)
    stage_broadcast.message_held(staff_ids(event) | {actor.user_id}, payload)
    return {**payload, "held": True}


def check_held(event_id: str, held_id: int) -> EventHeldMessage:
    held = db.session.get(EventHeldMessage, held_id)
    if held is None or held.event_id != event_id:
        raise NotFound(f"held message {held_id} does not exist in this event")
    return held


def do_decide_held(actor: Actor, event_id: str, held_id: int, decision: object) -> dict:
    """Staff approve or reject a pending message. Approving posts it under its author's name
    (``newMessage`` to the event, now-stamped); either way ``heldMessageResolved`` goes to
    the author's tabs and the staff. Returns the resolved held message (with ``messageId``
    when approved)."""
    event = check_staff(actor, event_id)
    if decision not in ("approve", "reject"):
        raise Invalid("decision must be approve or reject", fields={"decision": "approve or reject"})
    held = check_held(event.id, held_id)
    if held.status != HELD_PENDING:
        raise Conflict(f"this message was already {held.status}")
    # Claim it first, so two moderators deciding at once post it at most once.
    claimed = db.session.execute(
        EventHeldMessage.__table__.update().where(
            EventHeldMessage.id == held.id, EventHeldMessage.status == HELD_PENDING)
        .values(status=HELD_APPROVED if decision == "approve" else HELD_REJECTED,
                decided_at=utcnow(), decided_by_id=actor.user_id))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict("another moderator decided on this message first")
    message = None
    if decision == "approve":
        # Imported here: the message write path itself decides what is held (it imports us).
        from chatapp.actions.messages import store_message

        message_id, created_at = store_message(sender_id=held.author_id, content=held.text,
                                               room_id=event.room_id)
        db.session.execute(EventHeldMessage.__table__.update().where(
            EventHeldMessage.id == held.id).values(message_id=message_id))
        message = event_message_payload(message_id, db.session.get(User, held.author_id),
                                        held.text, created_at)
    db.session.commit()
    db.session.refresh(held)
    if message is not None:
        stage_broadcast.event_message(event.room_id, message)
        sidebar_broadcast.room_activity(event.room_id, event.id, message_id, message["userId"])
    payload = {**held_payload(held), "messageId": message["id"] if message else None}
    stage_broadcast.held_resolved(staff_ids(event) | {held.author_id}, payload)
    return payload


def pending_held(event: Event, actor: Actor | None, *, staff: bool) -> list[dict]:
    """Pending messages, oldest first: all of them for staff, the actor's own otherwise."""
    if actor is None:
        return []
    stmt = select(EventHeldMessage).where(EventHeldMessage.event_id == event.id,
                                          EventHeldMessage.status == HELD_PENDING)
    if not staff:
        stmt = stmt.where(EventHeldMessage.author_id == actor.user_id)
    return [held_payload(h) for h in db.session.scalars(stmt.order_by(EventHeldMessage.id))]
