"""``/api/rooms``: the community rooms and their message history."""
from __future__ import annotations

from flask import Blueprint

from chatapp.actions.rooms import check_community_room
from chatapp.api.params import optional_actor, page_args, page_body
from chatapp.queries import rooms as room_queries
from chatapp.queries.message_views import room_message_views


def list_rooms():
    viewer = optional_actor()
    return room_queries.community_room_summaries(viewer)


def room_messages(room_id: int):
    room = check_community_room(room_id, optional_actor())
    args = page_args()
    messages = args.fetch(room_queries.room_messages_page, room.id)
    return page_body(room_message_views(messages), args)


def register(bp: Blueprint) -> None:
    bp.get("/rooms")(list_rooms)
    bp.get("/rooms/<id:room_id>/messages")(room_messages)
