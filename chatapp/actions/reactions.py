"""Reactions: a user toggles an emoji on a room message; the room hears the new totals."""
from __future__ import annotations

import unicodedata

from sqlalchemy import func, select

from chatapp.actions.message_edits import check_message_here
from chatapp.actions.messages import RoomRef, check_chat_open
from chatapp.errors import Conflict, Invalid
from chatapp.extensions import db
from chatapp.models import MessageReaction
from chatapp.queries.message_views import reactions_of
from chatapp.realtime import broadcast
from chatapp.security import authz, ratelimit
from chatapp.security.identity import Actor
from chatapp.timeutil import utcnow

EMOJI_MAX_CODE_POINTS = 16  # a family with skin tones, or a flag, fits; a sentence does not
MAX_EMOJI_PER_MESSAGE = 20
# What may appear in an emoji besides pictographs: joiners, variation selectors, skin-tone
# modifiers, the keycap mark and tag characters (subdivision flags).
JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}
KEYCAP_BASES = set("0123456789#*")


def is_emoji_part(ch: str) -> bool:
    code = ord(ch)
    return (unicodedata.category(ch) == "So" or ch in JOINERS
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F)


def check_emoji(value: object) -> str:
    """One short emoji sequence: pictographs and what joins them, nothing else (no letters,
    no markup, no spaces). A keycap (``1️⃣``) is its digit, U+FE0F and U+20E3."""
    if not isinstance(value, str) or not value:
        raise Invalid("emoji must be an emoji", fields={"emoji": "must be an emoji"})
    if len(value) > EMOJI_MAX_CODE_POINTS:
        raise Invalid("emoji is too long", fields={"emoji": "one emoji"})
    keycap = value[0] in KEYCAP_BASES and value[1:] in ("\ufe0f\u20e3", "\u20e3")
    pictographs = [ch for ch in value if unicodedata.category(ch) == "So"]
    if not keycap and (not pictographs or not all(is_emoji_part(ch) for ch in value)):
        raise Invalid("emoji must be an emoji", fields={"emoji": "must be an emoji"})
    return value


def do_toggle_reaction(actor: Actor, room: RoomRef, message_id: int, emoji: object) -> dict:
    """Add the actor's ``emoji`` to a message of the room, or take it back if they had it;
    then ``room:message:reactions {roomId, messageId, reactions}`` to the room. Muted users
    cannot react. Returns ``{messageId, emoji, reacted, reactions}``."""
    emoji = check_emoji(emoji)
    check_chat_open(room)
    authz.check_can_post(actor, room.id)
    ratelimit.check("RATE_LIMIT_MESSAGES", f"user:{actor.user_id}", guest=actor.is_guest)
    message = check_message_here(room.id, message_id)
    mine = db.session.get(MessageReaction, (message.id, actor.user_id, emoji))
    if mine is not None:
        db.session.delete(mine)
    else:
        kinds = db.session.scalar(select(func.count(func.distinct(MessageReaction.emoji)))
                                  .where(MessageReaction.message_id == message.id))
        used = db.session.scalar(select(func.count()).where(
            MessageReaction.message_id == message.id, MessageReaction.emoji == emoji))
        if kinds >= MAX_EMOJI_PER_MESSAGE and not used:
            raise Conflict(f"a message takes at most {MAX_EMOJI_PER_MESSAGE} different emoji")
        db.session.add(MessageReaction(message_id=message.id, user_id=actor.user_id,
                                       emoji=emoji, created_at=utcnow()))
    db.session.commit()
    reactions = reactions_of([message.id]).get(message.id, [])
    broadcast.room_message_reactions(room.id, message.id, reactions)
    return {"messageId": message.id, "emoji": emoji, "reacted": mine is None,
            "reactions": reactions}
