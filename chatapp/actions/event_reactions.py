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


def check_count(count: object) -> int:
    """How many presses one ``react`` carries: a page batches a burst of presses into one
    packet (1 to ``MAX_PER_SECOND``), so the server parses a few packets a second per person
    instead of one per press."""
    if count is None:
        return 1
    if isinstance(count, bool) or not isinstance(count, int) \
            or not 1 <= count <= reaction_tally.MAX_PER_SECOND:
        raise Invalid(f"count must be 1 to {reaction_tally.MAX_PER_SECOND}",
                      fields={"count": "out of range"})
    return count


def do_react(actor: Actor, room_id: int, event_id: str, emoji: object,
             count: object = None) -> None:
    """Count ``count`` presses of ``emoji`` by ``actor`` (who has joined the event whose chat
    is ``room_id``).

    Muted people may react (a reaction is not a message); presses beyond ``MAX_PER_SECOND``
    a second per person are refused (``rate_limited``) and not counted. The event hears the
    sum in the next ``reactions`` frame."""
    emoji, n = check_emoji(emoji), check_count(count)
    if not reaction_tally.allow(actor.user_id, n=n):
        raise RateLimited("too many reactions; at most "
                          f"{reaction_tally.MAX_PER_SECOND} a second", retry_after=1)
    reaction_tally.add(room_id, event_id, emoji, n)
