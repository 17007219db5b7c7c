"""The pinned announcement at the top of an event's chat: set or cleared by the host (or a
moderator); the event hears ``announcement``."""
from __future__ import annotations

from chatapp.actions.event_stage_access import check_staff
from chatapp.extensions import db
from chatapp.queries.stage_view import announcement_view
from chatapp.realtime import stage_broadcast
from chatapp.security.identity import Actor
from chatapp.serializers import user_payload
from chatapp.timeutil import utcnow
from chatapp.validation import clean_text

MAX_ANNOUNCEMENT_LENGTH = 500


def do_set_announcement(actor: Actor, event_id: str, text: object) -> dict:
    """Pin ``text`` (an empty or null text clears it), then ``announcement`` to the event with
    who set it (``by``)."""
    event = check_staff(actor, event_id)
    cleaned = clean_text(text, "text", max_length=MAX_ANNOUNCEMENT_LENGTH, required=False)
    event.announcement = cleaned or None
    event.announcement_at = utcnow() if cleaned else None
    db.session.commit()
    payload = {**announcement_view(event), "by": user_payload(actor)}
    stage_broadcast.announcement(event.room_id, payload)
    return payload
