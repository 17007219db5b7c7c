"""Creating and editing an event from the browser, through the same actions as the API."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for

from chatapp.actions.event_lifecycle import (
    check_event,
    do_create_event,
    do_update_event,
)
from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import Event
from chatapp.pages.auth import current_actor, login_required
from chatapp.pages.chat_forms import EventForm
from chatapp.pages.forms import attach_errors
from chatapp.pages.page_data import flash_refusal
from chatapp.security import authz


def render_form(form: EventForm, event: Event | None, status: int = 200):
    return render_template("event_form.html", form=form, event=event), status


@login_required
def new_event():
    form = EventForm()
    try:
        authz.check_can_create_event(current_actor())
    except ChatError as error:
        flash_refusal(error)
        return redirect(url_for("pages.lobby"))
    if not form.is_submitted():
        return render_form(form, None)
    return save(form, None, lambda: do_create_event(current_actor(),
                                                    form.action_data(creating=True)),
                "Your event is ready.")


@login_required
def edit_event(event_id: str):
    event = check_event(event_id)
    authz.check_can_manage_event(current_actor(), event)
    form = EventForm(obj=None if request.method == "POST" else event)
    del form.id  # an event's address never changes
    if request.method != "POST":
        form.show_utc(event.starts_at, event.ends_at)
        return render_form(form, event)
    return save(form, event, lambda: do_update_event(current_actor(), event.id,
                                                     form.action_data(creating=False)),
                "The event is updated.")


def save(form: EventForm, event: Event | None, write: Callable[[], Event], done: str):
    """Validate the form, then ``write`` through an action and show the event; a refusal is
    shown next to the field it names."""
    if not form.validate_on_submit():
        return render_form(form, event, 400)
    try:
        saved = write()
    except ChatError as error:
        db.session.rollback()
        attach_errors(form, error.fields, error.message, "name")
        return render_form(form, event, error.status)
    flash(done, "success")
    return redirect(url_for("pages.event", event_id=saved.id))


def register(bp: Blueprint) -> None:
    bp.route("/events/new", methods=["GET", "POST"])(new_event)
    bp.route("/events/<event_id>/edit", methods=["GET", "POST"])(edit_event)
