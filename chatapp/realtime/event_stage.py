"""Handlers for an event's stage (our addition to the live-event protocol): Q&A, polls and
the pinned announcement. Each names the event by ``eventId`` (or, left out, the event the
socket has joined); staff need not have joined it. Handlers parse, call one action and
shape the acknowledgement."""
from __future__ import annotations

from flask import request

from chatapp.actions.event_announcement import do_set_announcement
from chatapp.actions.event_fields import check_event_id
from chatapp.actions.event_held import do_decide_held, pending_held
from chatapp.actions.event_lifecycle import do_update_event
from chatapp.actions.event_polls import do_close_poll, do_open_poll, do_vote_poll
from chatapp.actions.event_questions import (
    do_ask_question,
    do_mark_question,
    do_vote_question,
)
from chatapp.actions.event_reactions import do_react
from chatapp.actions.event_stage_access import check_event_visible, is_staff
from chatapp.errors import ChatError, NotLoggedIn, NotMember, RateLimited
from chatapp.queries.events import event_of_room
from chatapp.queries.stage_view import announcement_view, polls_view, questions_view
from chatapp.realtime import broadcast
from chatapp.realtime.dispatch import ok, refuse_socket
from chatapp.realtime.live_events import in_event
from chatapp.realtime.socket_state import peek_state, state_of
from chatapp.security.identity import Actor
from chatapp.validation import require_int, require_object

STAGE_EVENTS = {
    "askQuestion": "on_ask_question",
    "voteQuestion": "on_vote_question",
    "markQuestion": "on_mark_question",
    "getQuestions": "on_get_questions",
    "openPoll": "on_open_poll",
    "votePoll": "on_vote_poll",
    "closePoll": "on_close_poll",
    "getPolls": "on_get_polls",
    "setAnnouncement": "on_set_announcement",
    "react": "on_react",
    "setModeratedChat": "on_set_moderated_chat",
    "decideHeldMessage": "on_decide_held_message",
    "getHeldMessages": "on_get_held_messages",
}


def stage_request(data: object) -> tuple[Actor, str, dict]:
    """The socket's identity, the event it names (or has joined) and the payload."""
    data = {} if data is None else require_object(data)
    state = state_of(request.sid)
    if state.actor is None:
        raise NotLoggedIn("log in first (user:login or joinEvent)")
    if data.get("eventId") is not None:
        return state.actor, check_event_id(data["eventId"]), data
    event = event_of_room(state.event.id) if state.event is not None else None
    if event is None:
        raise NotMember("name the event (eventId) or join one first (joinEvent)")
    return state.actor, event.id, data


class StageHandlers:
    def on_ask_question(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        return ok(question=do_ask_question(actor, event_id, data.get("text"),
                                           data.get("anonymous", False)))

    def on_vote_question(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        up = data.get("up", True)
        return ok(question=do_vote_question(actor, event_id, require_int(data, "questionId"),
                                            up is not False))

    def on_mark_question(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        return ok(question=do_mark_question(actor, event_id, require_int(data, "questionId"),
                                            data))

    def on_get_questions(self, data=None, *_):
        actor, event_id, _data = stage_request(data)
        event = check_event_visible(actor, event_id)
        return ok(eventId=event.id, **questions_view(event, actor.user_id,
                                                      staff=is_staff(actor, event)))

    def on_open_poll(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        return ok(poll=do_open_poll(actor, event_id, data))

    def on_vote_poll(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        return ok(poll=do_vote_poll(actor, event_id, require_int(data, "pollId"),
                                    data.get("choices")))

    def on_close_poll(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        return ok(poll=do_close_poll(actor, event_id, require_int(data, "pollId")))

    def on_get_polls(self, data=None, *_):
        actor, event_id, _data = stage_request(data)
        event = check_event_visible(actor, event_id)
        return ok(eventId=event.id, polls=polls_view(event, actor.user_id),
                  announcement=announcement_view(event))

    def on_decide_held_message(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        return ok(held=do_decide_held(actor, event_id, require_int(data, "heldId"),
                                      data.get("decision")))

    def on_get_held_messages(self, data=None, *_):
        actor, event_id, _data = stage_request(data)
        event = check_event_visible(actor, event_id)
        return ok(eventId=event.id, held=pending_held(event, actor, staff=is_staff(actor, event)))

    def on_set_moderated_chat(self, data=None, *_):
        """The host turns moderated chat on or off (as ``PATCH /api/events/<id>`` does)."""
        actor, event_id, data = stage_request(data)
        event = do_update_event(actor, event_id, {"moderatedChat": data.get("on")})
        return ok(eventId=event.id, moderatedChat=event.moderated_chat)

    def on_set_announcement(self, data=None, *_):
        actor, event_id, data = stage_request(data)
        return ok(announcement=do_set_announcement(actor, event_id, data.get("text")))


# --- reactions: the hot path (no query, no write, no frame of its own) ---------------------

_event_of_room: dict[int, str] = {}


def joined_event_id(room_id: int) -> str:
    """The id of the event whose chat is ``room_id`` (cached: it never changes)."""
    event_id = _event_of_room.get(room_id)
    if event_id is None:
        event = event_of_room(room_id)
        if event is None:
            raise NotMember("this event no longer exists")
        event_id = _event_of_room[room_id] = event.id
    return event_id


def react_arguments(data: object) -> tuple[object, object] | None:
    """``(emoji, count)`` from ``react {emoji, count?}`` or a bare emoji; None for any other
    shape (the fast path leaves those to the ordinary one)."""
    if isinstance(data, dict):
        return (data.get("emoji"), data.get("count")) if data.keys() <= REACT_KEYS else None
    return (data, None) if isinstance(data, str) else None


REACT_KEYS = frozenset({"emoji", "count", "eventId"})


class ReactionHandlers:
    FAST_EVENTS = {"react": "fast_react"}

    def fast_react(self, sid: str, data=None, *_) -> dict | None:
        """``react`` without Flask's request context, for the common case only: a socket in
        an event whose id is cached, a known emoji, a valid count, within the rate limit.
        Anything else returns None and goes the ordinary way (:meth:`on_react`), which
        refuses with the usual error; :func:`do_react` counts nothing unless it accepts,
        so a press tried twice is counted at most once. Reads no database, writes nothing."""
        state = peek_state(sid)
        if state is None or state.actor is None or state.event is None:
            return None
        room_id = state.event.id
        event_id = _event_of_room.get(room_id)
        arguments = react_arguments(data)
        if event_id is None or arguments is None \
                or not broadcast.is_subscribed(sid, broadcast.room_channel(room_id)):
            return None
        try:
            do_react(state.actor, room_id, event_id, *arguments)
        except RateLimited as error:
            # Refused here, not again on the ordinary path: once a server falls behind,
            # presses arrive bunched and refusals come by the thousand, each ten times the
            # cost of a press taken the slow way.
            return refuse_socket(sid, "react", error)
        except ChatError:
            return None
        return ok()

    def on_react(self, data=None, *_):
        """``react {emoji, count?}`` (or a bare emoji): counted for the event the socket has
        joined."""
        state = state_of(request.sid)
        room = in_event(state)
        emoji, count = (data.get("emoji"), data.get("count")) if isinstance(data, dict) \
            else (data, None)
        do_react(state.actor, room.id, joined_event_id(room.id), emoji, count)
        return ok()
