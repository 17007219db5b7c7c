"""``GET /api/search``: full-text search over every message the caller may read.

``q`` (the words), optional ``roomId`` (one community room or event chat room), ``from``
(an author's user id), ``before`` (ISO 8601 date or time: only messages sent earlier),
``limit`` (default 20, at most 50) and ``offset`` (paging; the answer's ``nextOffset``).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, request
from sqlalchemy import select

from chatapp.actions.rooms import check_community_room
from chatapp.api.params import current_actor, int_arg
from chatapp.errors import Invalid
from chatapp.extensions import db
from chatapp.formatting import render_markdown
from chatapp.models import Event, Room
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries.search import SearchFilters, query_words, search_messages
from chatapp.queries.users import user_for_ref
from chatapp.security import authz
from chatapp.serializers import name_fields, wire_user_id
from chatapp.timeutil import isoformat_z

QUERY_MAX = 200
LIMIT_DEFAULT, LIMIT_MAX = 20, 50


def before_arg() -> datetime | None:
    raw = request.args.get("before")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid("before must be an ISO 8601 date or time",
                      fields={"before": "an ISO 8601 date or time"}) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def search():
    actor = current_actor()
    q = request.args.get("q", "")
    if not q.strip() or len(q) > QUERY_MAX:
        raise Invalid(f"q must be 1 to {QUERY_MAX} characters",
                      fields={"q": f"1 to {QUERY_MAX} characters"})
    room_id = int_arg("roomId")
    if room_id is not None:
        room = db.session.get(Room, room_id)
        if room is None or room.kind != ROOM_KIND_EVENT:
            check_community_room(room_id, actor)  # not_found for a room they may not see
        else:
            authz.check_can_see(actor, room)
    author = user_for_ref({"from": request.args["from"]}, "from") \
        if request.args.get("from") else None
    limit = min(int_arg("limit", default=LIMIT_DEFAULT), LIMIT_MAX)
    offset = int_arg("offset", default=0, minimum=0)
    filters = SearchFilters(query_words(q), room_id=room_id,
                            author_id=author.id if author is not None else None,
                            before=before_arg())
    rows = search_messages(actor, filters, offset=offset, limit=limit + 1)
    hits = rows[:limit]
    events = dict(db.session.execute(select(Event.room_id, Event.id).where(
        Event.room_id.in_({m.room_id for m, _ in hits if m.room_id is not None}))).all())
    return {"results": [hit_payload(actor.user_id, m, marked, events) for m, marked in hits],
            "nextOffset": offset + limit if len(rows) > limit else None}


def hit_payload(me: int, message, highlight: str, events: dict) -> dict:
    """One result: where it is (``roomId`` and ``eventId``, or ``conversationUserId``: the
    other person of a private conversation), who wrote it, and ``highlight`` (safe HTML,
    matches in ``<mark>``)."""
    peer = None
    if message.room_id is None:
        peer = message.recipient if message.sender_id == me else message.sender
    return {
        "id": message.id,
        "roomId": message.room_id,
        "eventId": events.get(message.room_id),
        "conversationUserId": wire_user_id(peer) if peer is not None else None,
        "userId": wire_user_id(message.sender),
        "sender": message.sender.username,
        **name_fields(message.sender),
        "content": message.content,
        "html": render_markdown(message.content),
        "timestamp": isoformat_z(message.created_at),
        "highlight": highlight,
    }


def register(bp: Blueprint) -> None:
    bp.get("/search")(search)
