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
