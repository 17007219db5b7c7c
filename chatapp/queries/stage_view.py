"""What a person sees of an event's stage on arrival: questions, polls, the announcement.
Shared by REST and sockets so both show the same."""
from __future__ import annotations

from chatapp.models import Event
from chatapp.queries import event_stage
from chatapp.serializers import poll_payload, question_payload
from chatapp.timeutil import isoformat_z


def questions_view(event: Event, user_id: int | None, *, staff: bool) -> dict:
    """``{questions, myVotes}``: staff also see dismissed questions and who asked each."""
    rows = event_stage.questions(event.id, include_dismissed=staff)
    return {"questions": [question_payload(q, staff=staff) for q in rows],
            "myVotes": event_stage.voted_questions(event.id, user_id) if user_id else []}


def polls_view(event: Event, user_id: int | None) -> list[dict]:
    """Every poll with its results, and the person's own ``myChoices`` in each."""
    return [{**poll_payload(poll, *event_stage.poll_results(poll)),
             "myChoices": event_stage.my_choices(poll.id, user_id) if user_id else []}
            for poll in event_stage.polls(event.id)]


def announcement_view(event: Event) -> dict:
    return {"eventId": event.id, "text": event.announcement,
            "timestamp": isoformat_z(event.announcement_at)}
