"""Who may read an uploaded file: its uploader, and whoever may read the message carrying it."""
from __future__ import annotations

from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.models import Attachment, Message, Room
from chatapp.models.room import ROOM_KIND_COMMUNITY
from chatapp.security import authz
from chatapp.security.identity import Actor


def readable_attachment(actor: Actor | None, attachment_id: str) -> Attachment:
    """The attachment if ``actor`` (None: anonymous) may read it; ``not_found`` otherwise, so
    a file's existence is not told to those who may not see it. Its uploader always may; then
    a community room's readers (private: members; banned: no), an event chat's anyone, a
    private message's two people. A deleted message's files are gone for everyone else."""
    attachment = db.session.get(Attachment, attachment_id) if len(attachment_id) <= 32 else None
    if attachment is None:
        raise NotFound("no such file")
    if actor is not None and attachment.uploader_id == actor.user_id:
        return attachment
    message = db.session.get(Message, attachment.message_id) \
        if attachment.message_id is not None else None
    if message is None or message.deleted_at is not None:
        raise NotFound("no such file")
    if message.room_id is None:
        if actor is None or actor.user_id not in (message.sender_id, message.recipient_id):
            raise NotFound("no such file")
        return attachment
    room = db.session.get(Room, message.room_id)
    if room.kind == ROOM_KIND_COMMUNITY:
        authz.check_can_see(actor, room)
    return attachment
