"""Emits for an event's stage (questions, polls, the pinned announcement), built on
:func:`chatapp.realtime.broadcast.send`. Every one goes to the event's channel: the audience
hears the public shapes only (an anonymous question names no author)."""
from __future__ import annotations

from chatapp.realtime import broadcast
from chatapp.realtime.broadcast import room_channel


def question_asked(room_id: int, question: dict) -> None:
    """``questionAsked``: a new question (public shape)."""
    broadcast.send("questionAsked", question, to=room_channel(room_id))


def question_updated(room_id: int, question: dict) -> None:
    """``questionUpdated``: a question's votes, status or pin changed."""
    broadcast.send("questionUpdated", question, to=room_channel(room_id))


def poll_opened(room_id: int, poll: dict) -> None:
    broadcast.send("pollOpened", poll, to=room_channel(room_id))


def poll_updated(room_id: int, poll: dict) -> None:
    """``pollUpdated``: the results changed (a vote was cast or changed)."""
    broadcast.send("pollUpdated", poll, to=room_channel(room_id))


def poll_closed(room_id: int, poll: dict) -> None:
    broadcast.send("pollClosed", poll, to=room_channel(room_id))


def announcement(room_id: int, payload: dict) -> None:
    """``announcement {eventId, text, by, timestamp}``: set, or cleared (``text`` null)."""
    broadcast.send("announcement", payload, to=room_channel(room_id))


def reactions(room_id: int, payload: dict) -> None:
    """``reactions {eventId, counts: {emoji: n}, interval}``: the sum pressed since the last
    frame (at most one per event every ``interval`` seconds)."""
    broadcast.send("reactions", payload, to=room_channel(room_id))


def message_held(user_ids: set[int], held: dict) -> None:
    """``messageHeld``: to every tab of the author and of each staff member (never to the
    event: the audience does not see messages waiting for review)."""
    for user_id in sorted(user_ids):
        broadcast.send("messageHeld", held, to=broadcast.user_channel(user_id))


def held_resolved(user_ids: set[int], held: dict) -> None:
    """``heldMessageResolved``: approved (with ``messageId``) or rejected; author and staff."""
    for user_id in sorted(user_ids):
        broadcast.send("heldMessageResolved", held, to=broadcast.user_channel(user_id))


def event_message(room_id: int, message: dict) -> None:
    """An approved message reaches the event as any message does (``newMessage``)."""
    broadcast.event_message_new(room_id, message)
