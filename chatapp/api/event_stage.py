"""``/api/events/<id>/questions``, ``/polls`` and ``/announcement``: the event's stage over
REST, through the same actions as the socket handlers (so the event hears the same)."""
from __future__ import annotations

from flask import Blueprint, Response

from chatapp.actions.event_announcement import do_set_announcement
from chatapp.actions.event_held import do_decide_held, pending_held
from chatapp.actions.event_polls import do_close_poll, do_open_poll, do_vote_poll
from chatapp.actions.event_questions import (
    do_ask_question,
    do_mark_question,
    do_vote_question,
)
from chatapp.actions.event_stage_access import check_event_visible, is_staff
from chatapp.api.params import current_actor, json_body, optional_actor
from chatapp.errors import Invalid
from chatapp.queries.stage_view import announcement_view, polls_view, questions_view
from chatapp.reports.event_plot import render_svg
from chatapp.reports.event_report import event_report
from chatapp.validation import require_object


def body() -> dict:
    return require_object(json_body())


def list_questions(event_id: str):
    actor = optional_actor()
    event = check_event_visible(actor, event_id)
    return questions_view(event, actor.user_id if actor else None, staff=is_staff(actor, event))


def ask_question(event_id: str):
    data = body()
    return do_ask_question(current_actor(), event_id, data.get("text"),
                           data.get("anonymous", False)), 201


def vote_question(event_id: str, question_id: int):
    return do_vote_question(current_actor(), event_id, question_id, True), 201


def unvote_question(event_id: str, question_id: int):
    return do_vote_question(current_actor(), event_id, question_id, False)


def mark_question(event_id: str, question_id: int):
    return do_mark_question(current_actor(), event_id, question_id, body())


def list_polls(event_id: str):
    actor = optional_actor()
    event = check_event_visible(actor, event_id)
    return polls_view(event, actor.user_id if actor else None)


def open_poll(event_id: str):
    return do_open_poll(current_actor(), event_id, body()), 201


def vote_poll(event_id: str, poll_id: int):
    return do_vote_poll(current_actor(), event_id, poll_id, body().get("choices"))


def update_poll(event_id: str, poll_id: int):
    if body().get("closed") is not True:
        raise Invalid("only closing a poll is supported: send {\"closed\": true}",
                      fields={"closed": "must be true"})
    return do_close_poll(current_actor(), event_id, poll_id)


def get_announcement(event_id: str):
    return announcement_view(check_event_visible(optional_actor(), event_id))


def set_announcement(event_id: str):
    return do_set_announcement(current_actor(), event_id, body().get("text"))


def clear_announcement(event_id: str):
    return do_set_announcement(current_actor(), event_id, None)


def list_held(event_id: str):
    actor = current_actor()
    event = check_event_visible(actor, event_id)
    return pending_held(event, actor, staff=is_staff(actor, event))


def decide_held(event_id: str, held_id: int):
    return do_decide_held(current_actor(), event_id, held_id, body().get("decision"))


def get_summary(event_id: str):
    return event_report(check_event_visible(optional_actor(), event_id))


def get_summary_plot(event_id: str):
    """The summary's plot as an SVG file (a download; pages show it inline)."""
    event = check_event_visible(optional_actor(), event_id)
    return Response(render_svg(event_report(event)), mimetype="image/svg+xml", headers={
        "Content-Disposition": f'inline; filename="{event.id}-summary.svg"'})


def register(bp: Blueprint) -> None:
    base = "/events/<event_id>"
    bp.get(f"{base}/questions")(list_questions)
    bp.post(f"{base}/questions")(ask_question)
    bp.patch(f"{base}/questions/<int:question_id>")(mark_question)
    bp.put(f"{base}/questions/<int:question_id>/vote")(vote_question)
    bp.delete(f"{base}/questions/<int:question_id>/vote")(unvote_question)
    bp.get(f"{base}/polls")(list_polls)
    bp.post(f"{base}/polls")(open_poll)
    bp.patch(f"{base}/polls/<int:poll_id>")(update_poll)
    bp.put(f"{base}/polls/<int:poll_id>/vote")(vote_poll)
    bp.get(f"{base}/announcement")(get_announcement)
    bp.put(f"{base}/announcement")(set_announcement)
    bp.delete(f"{base}/announcement")(clear_announcement)
    bp.get(f"{base}/held")(list_held)
    bp.patch(f"{base}/held/<int:held_id>")(decide_held)
    bp.get(f"{base}/summary")(get_summary)
    bp.get(f"{base}/summary.svg")(get_summary_plot)
