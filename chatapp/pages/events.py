"""A live event: status, schedule, who is here, its chat, and the host's controls."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from chatapp.actions.event_lifecycle import check_event, do_update_event
from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import Event
from chatapp.models.event_status import status_of
from chatapp.pages.auth import current_actor, current_user, login_required
from chatapp.pages.chat_forms import EventStatusForm, GuestForm
from chatapp.pages.page_data import (
    PAGE_HISTORY,
    flash_refusal,
    history_window,
    last_id,
    page_data,
)
from chatapp.pages.sidebar import sidebar_context
from chatapp.queries import events as event_queries
from chatapp.queries import rooms as room_queries
from chatapp.queries.message_views import features_of
from chatapp.realtime import reaction_tally
from chatapp.reports.event_report import event_report
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.timeutil import isoformat_z

STATUS_ACTIONS = {"start": "started", "end": "ended", "cancel": "cancelled"}


def may_manage(viewer: Actor | None, event: Event) -> bool:
    return viewer is not None and (viewer.is_admin or event.host_id == viewer.user_id)


def may_moderate(viewer: Actor | None, event: Event) -> bool:
    return (viewer is not None
            and authz.RANK[authz.room_role(viewer, event.room)] >= authz.RANK["moderator"])


def event(event_id: str):
    viewer = current_actor()
    event = check_event(event_id)
    authz.check_can_see(viewer, event.room)
    status = status_of(event)
    messages, next_before = history_window(
        room_queries.room_messages_page(event.room_id, limit=PAGE_HISTORY + 1))
    can_manage, can_moderate = may_manage(viewer, event), may_moderate(viewer, event)
    sidebar = sidebar_context(f"event:{event.id}")
    return render_template(
        "event.html", event=event, status=status,
        participants=event_queries.participants(event.room_id), messages=messages,
        features=features_of(messages),
        can_manage=can_manage, can_moderate=can_moderate, status_form=EventStatusForm(),
        reaction_emoji=reaction_tally.EMOJI,
        guest_form=GuestForm() if current_user() is None else None,
        sidebar=sidebar,
        page_data=page_data(eventId=event.id, status=status,
                            startsAt=isoformat_z(event.starts_at),
                            endsAt=isoformat_z(event.ends_at),
                            chatBeforeStart=event.chat_before_start,
                            canManage=can_manage, canModerate=can_moderate,
                            nextBefore=next_before, lastId=last_id(messages),
                            lastReadId=sidebar.reads.get(event.room_id)))


@login_required
def event_status(event_id: str):
    """The host's start / end / cancel buttons (CSRF-checked like every form)."""
    action = request.form.get("action")
    if not EventStatusForm().validate_on_submit() or action not in STATUS_ACTIONS:
        flash("That did not work: reload the page and try again.", "error")
    else:
        try:
            do_update_event(current_actor(), event_id, {"action": action})
        except ChatError as error:
            db.session.rollback()
            flash_refusal(error)
        else:
            flash(f"The event has {STATUS_ACTIONS[action]}." if action != "cancel"
                  else "The event is cancelled.", "success")
    return redirect(url_for("pages.event", event_id=event_id))


def event_summary_page(event_id: str):
    """After the event (or during it): figures, the server-drawn plot and the downloads."""
    event = check_event(event_id)
    authz.check_can_see(current_actor(), event.room)
    return render_template("event_summary.html", event=event, report=event_report(event))


def register(bp: Blueprint) -> None:
    bp.get("/events/<event_id>")(event)
    bp.get("/events/<event_id>/summary")(event_summary_page)
    bp.post("/events/<event_id>/status")(event_status)
