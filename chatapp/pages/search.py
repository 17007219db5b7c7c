"""The search page: every message the viewer may read that matches their words, best first,
with the matches marked and a link to each where it was said. The same query as
``GET /api/search`` (:mod:`chatapp.queries.search`), so the page never shows a message of a
room or conversation the viewer is not in."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from chatapp.extensions import db
from chatapp.models import Event, Message, Room
from chatapp.pages.auth import current_actor, login_required
from chatapp.pages.sidebar import sidebar_context
from chatapp.queries.search import SearchFilters, query_words, search_messages
from chatapp.serializers import wire_user_id

PAGE_SIZE = 20
QUERY_MAX = 200


@dataclass(frozen=True)
class Hit:
    message: Message
    highlight: Markup  # escaped text whose only tags are <mark> (queries.search builds it)
    place: str  # "# CS Study Group", "Event: Quiz night", "Private: Ana Lima"
    url: str  # where it was said, at the message


def place_of(message: Message, me: int, rooms: dict[int, Room], events: dict[int, Event]
             ) -> tuple[str, str]:
    if message.room_id is None:
        peer = message.recipient if message.sender_id == me else message.sender
        return (f"Private: {peer.display_name or peer.username}",
                url_for("pages.conversation", user_id=wire_user_id(peer)))
    event = events.get(message.room_id)
    if event is not None:
        return f"Event: {event.name}", url_for("pages.event", event_id=event.id)
    room = rooms.get(message.room_id)
    return f"# {room.name if room else message.room_id}", url_for("pages.room",
                                                                   room_id=message.room_id)


@login_required
def search():
    actor = current_actor()
    q = request.args.get("q", "").strip()[:QUERY_MAX]
    offset = max(0, request.args.get("offset", 0, type=int) or 0)
    words = query_words(q)
    rows = search_messages(actor, SearchFilters(words), offset=offset,
                           limit=PAGE_SIZE + 1) if words else []
    shown = rows[:PAGE_SIZE]
    room_ids = {m.room_id for m, _ in shown if m.room_id is not None}
    rooms = {r.id: r for r in db.session.scalars(select(Room).where(Room.id.in_(room_ids)))}
    events = {e.room_id: e for e in db.session.scalars(
        select(Event).where(Event.room_id.in_(room_ids)))}
    hits = []
    for message, marked in shown:
        place, url = place_of(message, actor.user_id, rooms, events)
        hits.append(Hit(message, Markup(marked), place, f"{url}#m{message.id}"))
    return render_template(
        "search.html", q=q, hits=hits, offset=offset, searched=bool(words),
        next_offset=offset + PAGE_SIZE if len(rows) > PAGE_SIZE else None,
        sidebar=sidebar_context("search"))


def register(bp: Blueprint) -> None:
    bp.get("/search")(search)
