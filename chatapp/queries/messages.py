"""Looking up single stored messages."""
from __future__ import annotations

from sqlalchemy import select

from chatapp.extensions import db
from chatapp.models import Message


def message_by_client_id(sender_id: int, client_message_id: str) -> Message | None:
    """The message ``sender_id`` already sent under ``client_message_id``, if any (deleted
    ones included: a retry must not bring a deleted message back)."""
    return db.session.scalar(select(Message).where(
        Message.sender_id == sender_id, Message.client_message_id == client_message_id))
