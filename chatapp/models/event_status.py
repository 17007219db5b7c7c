"""An event's status, derived from its times."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chatapp.timeutil import utcnow

if TYPE_CHECKING:
    from chatapp.models import Event

SCHEDULED, LIVE, ENDED, CANCELLED = "scheduled", "live", "ended", "cancelled"


def status_of(event: "Event", now: datetime | None = None) -> str:
    """cancelled if cancelled; ended once ``ends_at`` passed; live once ``starts_at`` passed
    (or when it has none); scheduled before that."""
    now = now or utcnow()
    if event.cancelled_at is not None:
        return CANCELLED
    if event.ends_at is not None and event.ends_at <= now:
        return ENDED
    if event.starts_at is None or event.starts_at <= now:
        return LIVE
    return SCHEDULED


def chat_open(event: "Event", now: datetime | None = None) -> bool:
    status = status_of(event, now)
    return status == LIVE or (status == SCHEDULED and event.chat_before_start)
