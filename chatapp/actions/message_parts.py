"""What a new message carries besides its text: the message it answers and the files it
brings (checked before anything is stored)."""
from __future__ import annotations

from flask import current_app

from chatapp.errors import Invalid, NotFound, TooLarge
from chatapp.extensions import db
from chatapp.models import Attachment, Message
from chatapp.queries.events import event_of_room
from chatapp.security.identity import Actor
from chatapp.validation import clean_text, require_int


def check_message_text(text: object) -> str:
    return clean_text(text, "message", max_length=current_app.config["MAX_MESSAGE_LENGTH"])


def check_reply_to(room_id: int, reply_to: object) -> Message | None:
    """The message a new one answers: an existing, undeleted message of the same room."""
    if reply_to is None:
        return None
    original_id = require_int({"replyTo": reply_to}, "replyTo")
    original = db.session.get(Message, original_id)
    if original is None or original.room_id != room_id or original.deleted_at is not None:
        raise NotFound(f"message {original_id} does not exist in this room",
                       fields={"replyTo": "no such message in this room"})
    return original


def check_attachments(actor: Actor, ids: object) -> list[Attachment]:
    """The files a new message carries: ids of the sender's own uploads that no message
    carries yet (``not_found`` otherwise), at most ``MAX_ATTACHMENTS``."""
    if ids is None:
        return []
    limit = current_app.config["MAX_ATTACHMENTS"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Invalid("attachments must be a list of upload ids",
                      fields={"attachments": "a list of upload ids"})
    if len(ids) > limit:
        raise TooLarge(f"a message carries at most {limit} files",
                       fields={"attachments": f"at most {limit}"})
    found = []
    for attachment_id in dict.fromkeys(ids):
        attachment = db.session.get(Attachment, attachment_id[:32])
        if attachment is None or attachment.uploader_id != actor.user_id \
                or attachment.message_id is not None or len(attachment_id) > 32:
            raise NotFound(f"upload {attachment_id!r} is not yours to send",
                           fields={"attachments": "unknown or already sent"})
        found.append(attachment)
    return found


def check_content(text: object, attachments: list[Attachment]) -> str:
    """The message text; it may be empty only when the message carries files."""
    if attachments and (text is None or (isinstance(text, str) and not text.strip())):
        return ""
    return check_message_text(text)


def payload_event_id(room_id: int) -> str | None:
    """The id of the live event whose chat ``room_id`` is (for mention notices), or None."""
    event = event_of_room(room_id)
    return event.id if event is not None else None
