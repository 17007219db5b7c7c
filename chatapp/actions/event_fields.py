"""Validation of event fields, shared by REST and sockets. Collects every bad field at once."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from chatapp.errors import ChatError, Invalid
from chatapp.validation import clean_text

# Matched with fullmatch: with re.match, "$" would accept an id ending in a newline.
EVENT_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,63}")
EVENT_NAME_MAX = 120
EVENT_DESCRIPTION_MAX = 2000
# Event times are kept to years 2000-2999: earlier or later ones are typing mistakes, and years
# near 1 or 9999 overflow when converted between time zones (years below 1000 would not even
# print as four-digit ISO 8601).
EARLIEST_MOMENT = datetime(2000, 1, 1)
LATEST_MOMENT = datetime(2999, 12, 31, 23, 59, 59)


def check_event_id(raw: Any) -> str:
    """A URL-safe id of at most 64 characters; numbers are accepted as old clients sent them."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not EVENT_ID_PATTERN.fullmatch(raw):
        raise Invalid("eventId must be 1-64 characters of letters, digits, '.', '_', '~' or '-'",
                      fields={"eventId": "invalid id"})
    return raw


def parse_moment(value: Any) -> datetime | None:
    """ISO 8601 with a timezone (``2026-12-01T18:00:00Z``) -> naive UTC; None stays None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time such as 2026-12-01T18:00:00Z") from None
    if moment.tzinfo is None:
        raise ValueError("must include a timezone, e.g. Z or +01:00")
    out_of_range = ValueError("must be between the years 2000 and 2999")
    if not EARLIEST_MOMENT.year <= moment.year <= LATEST_MOMENT.year:
        raise out_of_range  # checked before converting: near year 1 or 9999 that overflows
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if not EARLIEST_MOMENT <= utc <= LATEST_MOMENT:
        raise out_of_range
    return utc


def _text(data: dict, field: str, max_length: int, errors: dict, *, required: bool) -> str | None:
    """The shared text check (valid Unicode, length, and for the one-line name no invisible or
    direction-changing characters), with its complaint collected into ``errors``."""
    try:
        return clean_text(data[field], field, max_length=max_length, required=required,
                          single_line=required)
    except ChatError as error:
        errors[field] = error.fields.get(field, error.message)
        return None


def check_event_fields(data: Any, *, creating: bool) -> dict:
    """The writable fields present in ``data``, cleaned; :class:`Invalid` listing every bad one.

    Creating requires ``name``; ``id`` may only be given when creating.
    """
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    known = {"name", "description", "startsAt", "endsAt", "chatBeforeStart", "moderatedChat"}
    known |= {"id"} if creating else {"action"}
    errors: dict[str, str] = {field: "unknown field" for field in data if field not in known}
    clean: dict = {}
    if creating and "name" not in data:
        errors["name"] = "is required"
    if "id" in data and data["id"] is not None:
        try:
            clean["id"] = check_event_id(data["id"])
        except Invalid:
            errors["id"] = "1-64 characters of letters, digits, '.', '_', '~' or '-'"
    if "name" in data:
        clean["name"] = _text(data, "name", EVENT_NAME_MAX, errors, required=True)
    if "description" in data:
        clean["description"] = _text(data, "description", EVENT_DESCRIPTION_MAX, errors,
                                     required=False)
    for field, key in (("startsAt", "starts_at"), ("endsAt", "ends_at")):
        if field in data:
            try:
                clean[key] = parse_moment(data[field])
            except ValueError as exc:
                errors[field] = str(exc)
    if "chatBeforeStart" in data:
        if isinstance(data["chatBeforeStart"], bool):
            clean["chat_before_start"] = data["chatBeforeStart"]
        else:
            errors["chatBeforeStart"] = "must be true or false"
    if "moderatedChat" in data:
        if isinstance(data["moderatedChat"], bool):
            clean["moderated_chat"] = data["moderatedChat"]
        else:
            errors["moderatedChat"] = "must be true or false"
    if "action" in data:
        if data["action"] in ("start", "end", "cancel"):
            clean["action"] = data["action"]
        else:
            errors["action"] = "must be one of start, end, cancel"
    if errors:
        raise Invalid("some fields are invalid: " + ", ".join(sorted(errors)), fields=errors)
    return clean
