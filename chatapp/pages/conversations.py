"""A private conversation between the viewer and one other user."""
from __future__ import annotations

from flask import Blueprint, render_template

from chatapp.errors import NotFound
from chatapp.pages.auth import current_user, login_required
from chatapp.pages.page_data import PAGE_HISTORY, history_window, last_id, page_data
from chatapp.pages.sidebar import sidebar_context
from chatapp.queries import conversations as conversation_queries
from chatapp.queries import presence as presence_queries
from chatapp.queries.message_views import features_of
from chatapp.queries.users import user_by_wire_id
from chatapp.serializers import user_payload, wire_user_id


@login_required
def conversation(user_id: str):
    """``user_id``: the peer's wire id (their id in decimal, or a host-app id)."""
    me = current_user()
    peer = user_by_wire_id(user_id)
    if peer is None or peer.id == me.id:
        raise NotFound(f"user {user_id} does not exist")
    messages, next_before = history_window(
        conversation_queries.conversation_page(me.id, peer.id, limit=PAGE_HISTORY + 1))
    return render_template(
        "conversation.html", peer=peer, peer_online=presence_queries.user_is_online(peer.id),
        messages=messages, features=features_of(messages), sidebar=sidebar_context(f"conversation:{wire_user_id(peer)}"),
        page_data=page_data(peer=user_payload(peer), nextBefore=next_before,
                            lastId=last_id(messages),
                            # The "New messages" line goes after what the viewer had read.
                            lastReadId=conversation_queries.last_read_id(me.id, peer.id) or None))


def register(bp: Blueprint) -> None:
    bp.get("/conversations/<user_id>")(conversation)
