"""Retries of a send (``clientMessageId``): a message this sender already stored under that
id is answered again as it was, and nothing is stored or broadcast anew."""
from __future__ import annotations

from chatapp.errors import Conflict
from chatapp.models import Message
from chatapp.models.room import ROOM_KIND_EVENT
from chatapp.queries.message_views import event_message_views, room_message_view
from chatapp.queries.messages import message_by_client_id
from chatapp.security.identity import Actor
from chatapp.serializers import message_features, wire_user_id
from chatapp.timeutil import isoformat_z


class AlreadySent(Exception):
    """A concurrent send with the same client message id committed first."""


def sent_before(actor: Actor, client_message_id: str | None, *, room_id: int | None = None,
                recipient_id: int | None = None) -> Message | None:
    """The message this sender already sent under ``client_message_id`` (a retry), or None.
    The same id for another room or recipient is a ``conflict``: it cannot be a retry."""
    if client_message_id is None:
        return None
    earlier = message_by_client_id(actor.user_id, client_message_id)
    if earlier is not None and (earlier.room_id, earlier.recipient_id) != (room_id, recipient_id):
        raise Conflict("clientMessageId was already used for another message",
                       fields={"clientMessageId": "already used for another message"})
    return earlier


def room_message_sent(room_kind: str, message: Message) -> dict:
    """A stored room message in the shape its sender's acknowledgement had."""
    if room_kind == ROOM_KIND_EVENT:
        return event_message_views([message])[0]
    return room_message_view(message)


def private_message_sent(message: Message) -> dict:
    """A stored private message in the shape its sender's acknowledgement had."""
    return {"id": message.id, "to": wire_user_id(message.recipient), "content": message.content,
            "timestamp": isoformat_z(message.created_at),
            "html": message_features(message.content)["html"]}
