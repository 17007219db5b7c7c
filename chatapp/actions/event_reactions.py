"""Reacting to an event's stream: validated and counted in memory, sent later as aggregates
(see :mod:`chatapp.realtime.reaction_tally`). Nothing is written: a reaction is a moment."""
from __future__ import annotations

from chatapp.errors import Invalid, RateLimited
from chatapp.realtime import reaction_tally
from chatapp.security.identity import Actor


def check_emoji(emoji: object) -> str:
    if emoji not in reaction_tally.EMOJI:
        raise Invalid("emoji must be one of " + " ".join(reaction_tally.EMOJI),
                      fields={"emoji": "unknown reaction"})
    return emoji


def do_react(actor: Actor, room_id: int, event_id: str, emoji: object) -> None:
    """Count one reaction of ``actor`` (who has joined the event whose chat is ``room_id``).

    Muted people may react (a reaction is not a message); a person pressing faster than
    ``MAX_PER_SECOND`` is refused (``rate_limited``) and not counted. The event hears the sum
    in the next ``reactions`` frame."""
    emoji = check_emoji(emoji)
    if not reaction_tally.allow(actor.user_id):
        raise RateLimited("too many reactions; at most "
                          f"{reaction_tally.MAX_PER_SECOND} a second", retry_after=1)
    reaction_tally.add(room_id, event_id, emoji)
