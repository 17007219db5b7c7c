"""``/api/events``: live events, their lifecycle, chat history and transcripts."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    request,
    stream_with_context,
    url_for,
)

from chatapp.actions.event_lifecycle import (
    check_event,
    do_create_event,
    do_update_event,
)
from chatapp.api.params import current_actor, json_body, page_args, page_body
from chatapp.errors import Invalid
from chatapp.models.event_status import CANCELLED, ENDED, LIVE, SCHEDULED
from chatapp.queries import event_stage, transcripts
from chatapp.queries import events as event_queries
from chatapp.queries import rooms as room_queries
from chatapp.queries.message_views import event_message_views
from chatapp.serializers import event_summary, question_payload

STATUS_FILTERS = {"live": [LIVE], "scheduled": [SCHEDULED], "ended": [ENDED],
                  "cancelled": [CANCELLED], "all": None}


def event_details(event) -> dict:
    """The summary, ``participants`` and (as the old server's answer had) ``messages``: the
    latest ones, oldest first, as ``eventHistory`` sends them."""
    latest = room_queries.room_history(event.room_id, current_app.config["HISTORY_LIMIT"])
    return {**event_summary(event, *event_queries.event_counts(event)),
            "participants": event_queries.participants(event.room_id),
            "messages": event_message_views(latest)}


def list_events():
    wanted = request.args.get("status", "live")
    if wanted not in STATUS_FILTERS:
        raise Invalid("status must be one of " + ", ".join(STATUS_FILTERS),
                      fields={"status": "unknown status"})
    rows = event_queries.events_with_counts(STATUS_FILTERS[wanted],
                                            hide_empty_ad_hoc=wanted == "live")
    return [event_summary(event, people, messages) for event, people, messages in rows]


def get_event(event_id: str):
    return event_details(check_event(event_id))


def create_event():
    actor = current_actor()
    event = do_create_event(actor, json_body())
    location = url_for("api.get_event", event_id=event.id)
    return event_details(event), 201, {"Location": location}


def update_event(event_id: str):
    actor = current_actor()
    return event_details(do_update_event(actor, event_id, json_body()))


def event_messages(event_id: str):
    event = check_event(event_id)
    args = page_args()
    messages = args.fetch(room_queries.room_messages_page, event.room_id)
    return page_body(event_message_views(messages), args)


def event_transcript(event_id: str):
    event = check_event(event_id)
    fmt = request.args.get("format", "txt")
    if fmt not in transcripts.FORMATS:
        raise Invalid("format must be one of " + ", ".join(transcripts.FORMATS),
                      fields={"format": "unknown format"})
    mimetype, extension = transcripts.FORMATS[fmt]
    summary = event_summary(event, *event_queries.event_counts(event))
    questions = [question_payload(q) for q in event_stage.questions(event.id)]
    chunks = transcripts.render(fmt, summary, event_queries.iter_transcript_rows(event.room_id),
                                questions)
    return Response(stream_with_context(chunks), content_type=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{event.id}-transcript.{extension}"'})


def register(bp: Blueprint) -> None:
    bp.get("/events")(list_events)
    bp.post("/events")(create_event)
    bp.get("/events/<event_id>")(get_event)
    bp.patch("/events/<event_id>")(update_event)
    bp.get("/events/<event_id>/messages")(event_messages)
    bp.get("/events/<event_id>/transcript")(event_transcript)
