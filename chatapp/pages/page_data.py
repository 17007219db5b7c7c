"""The JSON each page hands its script: who the viewer is, and the page's own fields."""
from __future__ import annotations

from flask import flash

from chatapp.errors import ChatError
from chatapp.pages.auth import current_user
from chatapp.serializers import profile_payload

PAGE_HISTORY = 50  # messages a page renders; older ones load on scroll-up


def page_data(**fields) -> dict:
    user = current_user()
    return {"me": profile_payload(user) if user is not None else None, **fields}


def history_window(messages: list) -> tuple[list, int | None]:
    """``messages`` fetched newest first with one extra row: the page's messages oldest
    first, and the ``before`` cursor for the older page (None when these are all)."""
    shown = messages[:PAGE_HISTORY]
    next_before = shown[-1].id if len(messages) > PAGE_HISTORY else None
    return list(reversed(shown)), next_before


def last_id(messages: list) -> int | None:
    return messages[-1].id if messages else None


def flash_refusal(error: ChatError) -> None:
    """An action's refusal as a sentence at the top of the next page."""
    flash(error.message[:1].upper() + error.message[1:] + ".", "error")
