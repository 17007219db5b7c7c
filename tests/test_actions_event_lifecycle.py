"""Status changes that time alone causes are announced once, by whichever process notices."""
from __future__ import annotations

from datetime import timedelta

from chatapp.actions.event_lifecycle import do_announce_due_statuses, new_event
from chatapp.extensions import db
from chatapp.models import Event
from chatapp.timeutil import utcnow
from tests.unit_support import Emit, bus, login  # noqa: F401


def scheduled_event(host_id: int, event_id: str, *, starts_in: timedelta, ends_in=None) -> Event:
    now = utcnow()
    event = new_event(event_id, event_id.title(), host_id=host_id, starts_at=now + starts_in,
                      ends_at=None if ends_in is None else now + ends_in)
    db.session.commit()
    return event


def test_a_start_time_passing_is_announced_once(bus):
    host = login(bus, "sid-h", "host").actor
    event = scheduled_event(host.user_id, "keynote", starts_in=timedelta(minutes=5))
    room_id = event.room_id
    assert event.announced_status == "scheduled"
    assert do_announce_due_statuses() == 0 and bus.emits == []

    event.starts_at = utcnow() - timedelta(seconds=1)  # time has come
    db.session.commit()
    assert do_announce_due_statuses() == 1
    assert bus.emits[0] == Emit("eventStatus", {"id": "keynote", "status": "live"},
                                to=f"room:{room_id}")
    lobby = [e for e in bus.emits if e.event == "events:update"]
    assert len(lobby) == 1 and lobby[0].to is None and lobby[0].data["status"] == "live"

    bus.clear()
    assert do_announce_due_statuses() == 0  # a second process looking now finds nothing to say
    assert bus.emits == []


def test_an_end_time_passing_closes_the_chat_and_is_announced(bus):
    host = login(bus, "sid-h", "host").actor
    event = scheduled_event(host.user_id, "panel", starts_in=timedelta(hours=-2),
                            ends_in=timedelta(hours=1))
    assert event.announced_status == "live"
    event.ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert do_announce_due_statuses() == 1
    assert [e.data for e in bus.emits if e.event == "eventStatus"] == [
        {"id": "panel", "status": "ended"}]
    assert db.session.get(Event, "panel").announced_status == "ended"
