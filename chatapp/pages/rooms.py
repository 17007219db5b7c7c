"""A community room: its latest messages, its people, and what the viewer may do there."""
from __future__ import annotations

from flask import Blueprint, render_template

from chatapp.actions.rooms import check_community_room
from chatapp.pages.auth import current_actor, current_user
from chatapp.pages.chat_forms import GuestForm
from chatapp.pages.page_data import PAGE_HISTORY, history_window, last_id, page_data
from chatapp.pages.sidebar import sidebar_context
from chatapp.queries import presence as presence_queries
from chatapp.queries import rooms as room_queries
from chatapp.queries.message_views import features_of
from chatapp.queries.people import room_people
from chatapp.security import authz


def room(room_id: int):
    viewer = current_actor()
    room = check_community_room(room_id, viewer)
    messages, next_before = history_window(
        room_queries.room_messages_page(room.id, limit=PAGE_HISTORY + 1))
    can_moderate = (viewer is not None
                    and authz.RANK[authz.room_role(viewer, room)] >= authz.RANK["moderator"])
    sidebar = sidebar_context(f"room:{room.id}")
    return render_template(
        "room.html", room=room, users_count=presence_queries.room_users_count(room.id),
        messages=messages, features=features_of(messages), people=room_people(room),
        can_moderate=can_moderate,
        guest_form=GuestForm() if current_user() is None else None,
        sidebar=sidebar,
        page_data=page_data(roomId=room.id, canModerate=can_moderate, nextBefore=next_before,
                            lastId=last_id(messages), lastReadId=sidebar.reads.get(room.id)))


def register(bp: Blueprint) -> None:
    bp.get("/rooms/<id:room_id>")(room)
