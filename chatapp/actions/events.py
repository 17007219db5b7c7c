"""Being in a live event: joining (creating ad-hoc events), leaving, typing."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from chatapp.actions.catch_up import catch_up_pages
from chatapp.actions.event_lifecycle import new_event
from chatapp.actions.event_viewers import note_viewers
from chatapp.actions.presence import enter_room, leave_room
from chatapp.actions.typing import check_may_type
from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.models import Event, Room
from chatapp.queries import events as event_queries
from chatapp.queries import rooms as room_queries
from chatapp.queries.message_views import event_message_views
from chatapp.realtime import broadcast, event_participants
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.serializers import event_summary
from chatapp.timeutil import utcnow


def check_joinable(event_id: str) -> None:
    """Refuse an unknown event up front when ad-hoc creation is off (before any login)."""
    if not current_app.config["EVENTS_AUTO_CREATE"] and event_queries.get_event(event_id) is None:
        raise NotFound(f"event {event_id!r} does not exist")


def find_or_create_event(actor: Actor, event_id: str) -> Event:
    """The event, or (when ``EVENTS_AUTO_CREATE`` is on, as the old server did) a new ad-hoc
    live event hosted by the first to join it."""
    event = event_queries.get_event(event_id)
    if event is not None:
        return event
    if not current_app.config["EVENTS_AUTO_CREATE"]:
        raise NotFound(f"event {event_id!r} does not exist")
    new_event(event_id, event_id, host_id=actor.user_id, starts_at=utcnow(), ad_hoc=True)
    try:
        db.session.commit()
    except IntegrityError:  # someone else created it a moment ago
        db.session.rollback()
    return event_queries.get_event(event_id)


def do_join_event(sid: str, actor: Actor, event_id: str, *, leaving_room_id: int | None,
                  after: int | None = None,
                  updates: str = event_participants.EACH) -> Event:
    """Put socket ``sid`` in an event, leaving the one it was in (a socket is in at most one).

    Emits ``userJoined`` to the event's sockets that hear each arrival (only to this socket
    if the user was already there in another tab), ``eventHistory`` to the socket, and at the
    next flush ``participantsChanged`` to the event and ``events:update`` to everyone (see
    :mod:`chatapp.realtime.event_participants`; ``updates`` is how this socket hears
    arrivals from now on). The history is the latest ``HISTORY_LIMIT`` messages, or with
    ``after`` every message after that id, in catch-up pages (:mod:`chatapp.actions.catch_up`),
    each its own ``eventHistory``."""
    event = find_or_create_event(actor, event_id)
    authz.check_can_see(actor, event.room)
    if leaving_room_id is not None and leaving_room_id != event.room_id:
        do_leave_event(sid, actor, leaving_room_id)
    already_in, user_was_there = enter_room(sid, actor.user_id, event.room_id)  # committed
    event_participants.listen(sid, event.room_id, updates)
    participants = event_queries.participants_after_commit(event.room_id)
    limit = current_app.config["HISTORY_LIMIT"]
    # The viewer figures, the arrival and the history: one transaction (see at_commit).
    with broadcast.at_commit():
        note_viewers(event.id, len(participants), joined_user_id=actor.user_id)
        db.session.refresh(event)  # the figures just written
        summary = event_summary(event, len(participants),
                                event_queries.message_count(event.room_id))
        if not already_in:
            event_participants.user_joined(event.room_id, actor.username, participants,
                                           utcnow(), only_sid=sid if user_was_there else None)
        if after is None:
            history = event_message_views(room_queries.room_history(event.room_id, limit))
            broadcast.event_history(sid, history, participants, summary)
        else:
            for page in catch_up_pages(event.room_id, after, limit, event_message_views):
                broadcast.event_history(sid, page.messages, participants, summary,
                                        page.cursor_fields())
    if not already_in:
        event_participants.counts_changed(event.room_id)
    return event


def do_leave_event(sid: str, actor: Actor, room_id: int) -> None:
    """Take socket ``sid`` out of the event whose chat is ``room_id``; ``userLeft`` goes to the
    event if it was the user's last socket there."""
    leave_room(sid, actor.user_id, actor.username, db.session.get(Room, room_id))


def do_event_typing(sid: str, actor: Actor, room_id: int, is_typing: bool) -> None:
    """``userTyping`` to the other sockets in the event."""
    check_may_type(actor, room_id)
    broadcast.event_typing(room_id, actor.username, is_typing, skip_sid=sid)

