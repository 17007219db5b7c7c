"""Read-only queries about live events."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select

from chatapp.extensions import db
from chatapp.models import Event, Message, RoomPresence, User
from chatapp.models.event_status import CANCELLED, ENDED, LIVE, SCHEDULED
from chatapp.queries.presence import live_connections, room_users_count
from chatapp.queries.turn_shared import TurnShared
from chatapp.timeutil import utcnow


def get_event(event_id: str) -> Event | None:
    return db.session.get(Event, event_id)


def event_of_room(room_id: int) -> Event | None:
    return db.session.scalar(select(Event).where(Event.room_id == room_id))


def status_condition(status: str, now: datetime):
    """The SQL form of :func:`chatapp.models.event_status.status_of` for one status."""
    not_cancelled = Event.cancelled_at.is_(None)
    not_over = or_(Event.ends_at.is_(None), Event.ends_at > now)
    return {
        CANCELLED: Event.cancelled_at.is_not(None),
        ENDED: and_(not_cancelled, Event.ends_at <= now),
        LIVE: and_(not_cancelled, not_over, or_(Event.starts_at.is_(None), Event.starts_at <= now)),
        SCHEDULED: and_(not_cancelled, not_over, Event.starts_at > now),
    }[status]


_PARTICIPANTS = (
    select(User.username)
    .select_from(RoomPresence)
    .join(live_connections(), live_connections().c.sid == RoomPresence.sid)
    .join(User, User.id == live_connections().c.user_id)
    .where(RoomPresence.room_id == bindparam("room_id"))
    .group_by(User.id, User.username)
    .order_by(func.min(RoomPresence.joined_at), User.id)
)


def participants(room_id: int) -> list[str]:
    """Distinct usernames with at least one live socket in the event, in order of arrival."""
    # Built once and run as Core (no ORM row loading); the SQL itself is most of the cost
    # (three index lookups per person), which participants_after_commit shares.
    return list(db.session.connection().execute(_PARTICIPANTS, {"room_id": room_id}).scalars())


# For the join and leave paths, which ask right after their change committed (see
# TurnShared): an audience arriving at once shares one read per turn of the loop.
participants_after_commit: TurnShared[list[str]] = TurnShared(participants)


def message_count(room_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.room_id == room_id, Message.deleted_at.is_(None))) or 0


def events_with_counts(statuses: list[str] | None, *, event_id: str | None = None,
                       hide_empty_ad_hoc: bool = False) -> list[tuple[Event, int, int]]:
    """Events (optionally of some statuses) with their participant and message counts,
    soonest first. ``hide_empty_ad_hoc`` drops ad-hoc events nobody is in any more."""
    live = live_connections()
    people = (
        select(RoomPresence.room_id, func.count(func.distinct(live.c.user_id)).label("n"))
        .join(live, live.c.sid == RoomPresence.sid)
        .group_by(RoomPresence.room_id)
        .subquery()
    )
    messages = (
        select(Message.room_id, func.count().label("n"))
        .where(Message.room_id.is_not(None), Message.deleted_at.is_(None))
        .group_by(Message.room_id)
        .subquery()
    )
    participant_count = func.coalesce(people.c.n, 0)
    stmt = (
        select(Event, participant_count, func.coalesce(messages.c.n, 0))
        .outerjoin(people, people.c.room_id == Event.room_id)
        .outerjoin(messages, messages.c.room_id == Event.room_id)
        .order_by(Event.starts_at.is_(None), Event.starts_at, Event.created_at, Event.id)
    )
    now = utcnow()
    if statuses:
        stmt = stmt.where(or_(*(status_condition(s, now) for s in statuses)))
    if event_id is not None:
        stmt = stmt.where(Event.id == event_id)
    if hide_empty_ad_hoc:
        stmt = stmt.where(or_(Event.ad_hoc.is_(False), participant_count > 0))
    return [(event, int(p), int(m)) for event, p, m in db.session.execute(stmt)]


def event_counts(event: Event) -> tuple[int, int]:
    """People in the event now and its messages. Counted in the event's room alone: the
    grouped subqueries of :func:`events_with_counts` count every room's people and messages
    first, which each join and each flush paid."""
    return room_users_count(event.room_id), message_count(event.room_id)


def iter_transcript_rows(room_id: int, batch: int = 500):
    """Every message of a room as ``(id, created_at, username, content)``, oldest first,
    fetched in keyset batches so a long transcript streams without holding a cursor open."""
    after = 0
    while True:
        rows = db.session.execute(
            select(Message.id, Message.created_at, User.username, Message.content)
            .join(User, User.id == Message.sender_id)
            .where(Message.room_id == room_id, Message.id > after, Message.deleted_at.is_(None))
            .order_by(Message.id).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1][0]


def events_with_stale_announcement() -> list[Event]:
    """Events whose derived status differs from what clients were last told."""
    now = utcnow()
    stale = or_(*(and_(Event.announced_status != s, status_condition(s, now))
                  for s in (SCHEDULED, LIVE, ENDED, CANCELLED)))
    return list(db.session.scalars(select(Event).where(stale)))
