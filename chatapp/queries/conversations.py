"""Private conversations: their messages as cursor pages, and the list of them with the latest
message and how many are unread."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select

from chatapp.extensions import db
from chatapp.models import ConversationRead, Message, User
from chatapp.queries.rooms import page_of

CONVERSATIONS_SHOWN = 50


@dataclass(frozen=True)
class ConversationSummary:
    peer: User
    last_message: Message
    unread: int


def last_read_id(user_id: int, peer_id: int) -> int:
    row = db.session.get(ConversationRead, (user_id, peer_id))
    return row.last_read_id if row is not None else 0


def unread_from(user_id: int, peer_id: int) -> int:
    """Messages ``peer_id`` sent ``user_id`` that ``user_id`` has not read."""
    return db.session.scalar(
        select(func.count()).select_from(Message).where(
            Message.room_id.is_(None), Message.sender_id == peer_id,
            Message.recipient_id == user_id, Message.id > last_read_id(user_id, peer_id))
    ) or 0


def conversation_summaries(user_id: int, limit: int = CONVERSATIONS_SHOWN
                           ) -> list[ConversationSummary]:
    """The user's conversations, most recent first, in three queries whatever their number."""
    peer = case((Message.sender_id == user_id, Message.recipient_id), else_=Message.sender_id)
    latest = db.session.execute(
        select(peer.label("peer_id"), func.max(Message.id).label("last_id"))
        .where(Message.room_id.is_(None),
               (Message.sender_id == user_id) | (Message.recipient_id == user_id))
        .group_by(peer)
        .order_by(func.max(Message.id).desc())
        .limit(limit)
    ).all()
    if not latest:
        return []
    peer_ids = [row.peer_id for row in latest]
    messages = {m.id: m for m in db.session.scalars(
        select(Message).where(Message.id.in_([row.last_id for row in latest])))}
    peers = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(peer_ids)))}
    read = ConversationRead
    unread = dict(db.session.execute(
        select(Message.sender_id, func.count())
        .outerjoin(read, and_(read.user_id == user_id, read.peer_id == Message.sender_id))
        .where(Message.room_id.is_(None), Message.recipient_id == user_id,
               Message.sender_id.in_(peer_ids),
               Message.id > func.coalesce(read.last_read_id, 0))
        .group_by(Message.sender_id)
    ).all())
    return [ConversationSummary(peers[row.peer_id], messages[row.last_id],
                                unread.get(row.peer_id, 0)) for row in latest]


def conversation_condition(user_id: int, other_id: int):
    return and_(
        Message.room_id.is_(None),
        or_(
            and_(Message.sender_id == user_id, Message.recipient_id == other_id),
            and_(Message.sender_id == other_id, Message.recipient_id == user_id),
        ),
    )


def conversation_page(user_id: int, other_id: int, *, before: int | None = None,
                      after: int | None = None, limit: int) -> list[Message]:
    """Private messages between two users, paged as :func:`room_messages_page`."""
    stmt = select(Message).where(conversation_condition(user_id, other_id))
    return page_of(stmt, before=before, after=after, limit=limit)


def conversation_history(user_id: int, other_id: int, limit: int) -> list[Message]:
    """The latest ``limit`` private messages between two users, oldest first."""
    return list(reversed(conversation_page(user_id, other_id, limit=limit)))
