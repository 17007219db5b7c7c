"""UTC time helpers. The database stores naive UTC datetimes; the wire carries ISO 8601 with 'Z'."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now in UTC, naive, at millisecond precision (what the wire format can carry)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def isoformat_z(moment: datetime | None) -> str | None:
    """``2026-11-21T20:01:10.123Z``, the format the old Node servers sent (Date.toISOString)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def clock_time(moment: datetime, zone: str) -> str:
    """``3:07 pm``: the time of day in ``zone`` as the old live-event server showed it (moment's
    ``h:mm a``): hour without a leading zero, lower-case am/pm. ``moment`` is naive UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
