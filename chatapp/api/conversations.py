"""``/api/conversations/<userId>/messages``: the caller's private conversation with one user."""
from __future__ import annotations

from flask import Blueprint

from chatapp.api.params import current_user, page_args, page_body
from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.models import User
from chatapp.queries import conversations as conversation_queries
from chatapp.serializers import private_message_payload


def conversation_messages(user_id: int):
    me = current_user()
    if db.session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} does not exist")
    args = page_args()
    messages = args.fetch(conversation_queries.conversation_page, me.id, user_id)
    return page_body([private_message_payload(m) for m in messages], args)


def register(bp: Blueprint) -> None:
    bp.get("/conversations/<id:user_id>/messages")(conversation_messages)
