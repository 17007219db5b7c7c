"""``/api/conversations/<userId>/messages``: the caller's private conversation with one user."""
from __future__ import annotations

from flask import Blueprint

from chatapp.api.params import current_user, page_args, page_body
from chatapp.queries import conversations as conversation_queries
from chatapp.queries.message_views import private_message_views
from chatapp.queries.users import user_for_path


def conversation_messages(user_id: str):
    """``user_id`` is the other user's wire id (a decimal number for our own users)."""
    me = current_user()
    peer = user_for_path(user_id)
    args = page_args()
    messages = args.fetch(conversation_queries.conversation_page, me.id, peer.id)
    return page_body(private_message_views(messages), args)


def register(bp: Blueprint) -> None:
    bp.get("/conversations/<user_id>/messages")(conversation_messages)
