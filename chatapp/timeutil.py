"""UTC time helpers. The database stores naive UTC datetimes; the wire carries ISO 8601 with 'Z'."""
from __future__ import annotations

from datetime import datetime, timezone


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
