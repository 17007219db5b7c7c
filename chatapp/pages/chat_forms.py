"""The chat pages' forms: continue as a guest, create a room, create or edit an event, and the
host's start/end/cancel buttons. Like :mod:`chatapp.pages.forms`, they only parse; the rules live in
the actions, whose errors the views attach to the field they name."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from chatapp.actions.event_fields import EVENT_DESCRIPTION_MAX, EVENT_NAME_MAX
from chatapp.actions.rooms import ROOM_CATEGORY_MAX, ROOM_DESCRIPTION_MAX, ROOM_NAME_MAX
from chatapp.pages.forms import USERNAME_HINTS

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class GuestForm(FlaskForm):
    username = StringField("Name", [DataRequired()], render_kw=USERNAME_HINTS,
                           description="Shown next to your messages. No account needed.")
    next = HiddenField()
    submit = SubmitField("Continue as guest")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="guest", **kwargs)


class RoomForm(FlaskForm):
    name = StringField("Room name", [DataRequired()], render_kw={"maxlength": ROOM_NAME_MAX})
    description = StringField("Description (optional)", [Optional()],
                              render_kw={"maxlength": ROOM_DESCRIPTION_MAX})
    category = StringField("Category", [Optional()], render_kw={"maxlength": ROOM_CATEGORY_MAX,
                                                                 "placeholder": "general"})
    is_private = BooleanField("Private: only people I invite can see it")
    submit = SubmitField("Create room")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="room", **kwargs)

    def action_data(self) -> dict:
        """The fields as :func:`chatapp.actions.rooms.do_create_room` takes them."""
        return {"name": self.name.data, "description": self.description.data or "",
                "category": (self.category.data or "").strip() or "general",
                "isPrivate": bool(self.is_private.data)}


class EventForm(FlaskForm):
    """Times are entered in the viewer's zone (``timezone``, set by the page's script; UTC
    without it) and stored in UTC."""

    id = StringField("Address (optional)", [Optional()], render_kw={"maxlength": 64},
                     description="Letters, digits, '.', '_', '~' or '-': the event's link "
                                 "becomes /events/<address>. Left empty, one is made up.")
    name = StringField("Name", [DataRequired()], render_kw={"maxlength": EVENT_NAME_MAX})
    description = TextAreaField("Description (optional)", [Optional()],
                                render_kw={"maxlength": EVENT_DESCRIPTION_MAX, "rows": 4})
    starts_at = DateTimeLocalField("Starts", [Optional()], format=DATETIME_LOCAL,
                                   description="Leave empty to start now.")
    ends_at = DateTimeLocalField("Ends", [Optional()], format=DATETIME_LOCAL,
                                 description="Leave empty to end it by hand.")
    chat_before_start = BooleanField("Open the chat before the event starts")
    timezone = HiddenField(default="UTC")
    submit = SubmitField("Save event")

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo((self.timezone.data or "UTC").strip())
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def moment(self, field: DateTimeLocalField) -> str | None:
        """A local date-time from the form as an ISO 8601 UTC string, as the API takes it."""
        if field.data is None:
            return None
        local = field.data.replace(tzinfo=self.zone())
        try:
            # isoformat, not strftime: it writes years below 1000 with four digits, so the
            # API's range check (not a parse error) answers for them.
            return local.astimezone(timezone.utc).isoformat(timespec="seconds")
        except OverflowError:  # near year 1 or 9999: out of range anyway; the API says so
            return local.isoformat(timespec="seconds")

    def action_data(self, *, creating: bool) -> dict:
        """The fields as :func:`chatapp.actions.event_lifecycle` takes them (the API's names)."""
        data = {"name": self.name.data, "description": self.description.data or "",
                "startsAt": self.moment(self.starts_at), "endsAt": self.moment(self.ends_at),
                "chatBeforeStart": bool(self.chat_before_start.data)}
        if creating and (self.id.data or "").strip():
            data["id"] = self.id.data.strip()
        return data

    def show_utc(self, starts_at: datetime | None, ends_at: datetime | None) -> None:
        """Fill the time fields with stored (UTC) times, marked ``data-utc`` for the page's
        script to show in the viewer's zone (without it they read as UTC, as the hint says)."""
        for field, value in ((self.starts_at, starts_at), (self.ends_at, ends_at)):
            field.data = value
            if value is not None:
                field.render_kw = {**(field.render_kw or {}),
                                   "data-utc": value.strftime("%Y-%m-%dT%H:%M:%SZ")}
        self.timezone.data = "UTC"


class EventStatusForm(FlaskForm):
    """Only the CSRF token: the host's start/end/cancel buttons each submit ``action``."""
