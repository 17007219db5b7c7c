"""The lobby: rooms by category, live and upcoming events, who is online, conversations."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from chatapp.actions.rooms import do_create_room
from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models.event_status import LIVE, SCHEDULED
from chatapp.pages.auth import current_actor, current_user, login_required
from chatapp.pages.chat_forms import GuestForm, RoomForm
from chatapp.pages.forms import attach_errors
from chatapp.pages.page_data import page_data
from chatapp.queries import events as event_queries
from chatapp.queries import presence as presence_queries
from chatapp.queries import rooms as room_queries
from chatapp.queries.conversations import conversation_summaries

ONLINE_SHOWN = 100


def render_lobby(room_form: RoomForm | None = None, status: int = 200):
    viewer, user = current_actor(), current_user()
    online = presence_queries.online_users()[:ONLINE_SHOWN]
    return render_template(
        "lobby.html",
        rooms=room_queries.community_rooms_with_counts(viewer),
        live_events=event_queries.events_with_counts([LIVE], hide_empty_ad_hoc=True),
        upcoming_events=event_queries.events_with_counts([SCHEDULED]),
        online=online, online_ids={u.id for u in online},
        conversations=conversation_summaries(user.id) if user is not None else [],
        room_form=room_form or RoomForm(),
        guest_form=GuestForm() if user is None else None,
        page_data=page_data(),
    ), status


def lobby():
    return render_lobby()


@login_required
def create_room():
    """The create-room form without JavaScript (with it, the page uses ``room:create``)."""
    form = RoomForm()
    if not form.validate_on_submit():
        return render_lobby(form, 400)
    try:
        room = do_create_room(None, current_actor(), form.action_data())
    except ChatError as error:
        db.session.rollback()
        attach_errors(form, error.fields, error.message, "name")
        return render_lobby(form, error.status)
    return redirect(url_for("pages.room", room_id=room.id))


def register(bp: Blueprint) -> None:
    bp.get("/")(lobby)
    bp.post("/rooms/new")(create_room)
