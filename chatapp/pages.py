"""Server-rendered pages: the lobby, a room's latest messages and a live event's chat.

Read-only views; what users wrote is rendered escaped (``linkify`` makes its http(s) links
clickable). Private rooms are shown only to their members: to anyone else they do not exist.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from chatapp import authz, event_queries, queries
from chatapp.actions.rooms import check_community_room
from chatapp.auth_pages import current_actor
from chatapp.errors import NotFound
from chatapp.event_status import status_of

pages = Blueprint("pages", __name__)

PAGE_HISTORY = 50


@pages.get("/")
def lobby():
    rooms = queries.community_rooms_with_counts(current_actor())
    return render_template("lobby.html", rooms=rooms)


@pages.get("/rooms/<id:room_id>")
def room(room_id: int):
    room = check_community_room(room_id, current_actor())
    return render_template("room.html", room=room, users_count=queries.room_users_count(room.id),
                           messages=queries.room_history(room.id, PAGE_HISTORY))


@pages.get("/events/<event_id>")
def event(event_id: str):
    event = event_queries.get_event(event_id)
    if event is None:
        raise NotFound(f"event {event_id!r} does not exist")
    authz.check_can_see(current_actor(), event.room)
    return render_template("event.html", event=event, status=status_of(event),
                           participants=event_queries.participants(event.room_id),
                           messages=queries.room_history(event.room_id, PAGE_HISTORY))
