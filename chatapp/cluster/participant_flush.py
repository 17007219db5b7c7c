"""The participant flush loop: every ``PARTICIPANT_FLUSH_SECONDS`` each event whose audience
changed in this process hears it once (see :mod:`chatapp.realtime.event_participants`).

Each process sends what it saw (with several processes an event may hear one batch from
each); the count and the lobby's figures are read from the database at the flush, so they
are the cluster's, whichever process sends them.
"""
from __future__ import annotations

import logging
import os

from flask import Flask

from chatapp.extensions import db, socketio
from chatapp.queries import events as event_queries
from chatapp.realtime import broadcast, event_participants
from chatapp.serializers import event_summary

log = logging.getLogger(__name__)
_started_in_pid: int | None = None


def flush_once() -> int:
    """One flush (inside an app context); returns how many events were announced."""
    taken = event_participants.take()
    announced = 0
    try:
        for room_id, changes in taken.items():
            event = event_queries.event_of_room(room_id)
            if event is None:  # deleted meanwhile
                continue
            summary = event_summary(event, *event_queries.event_counts(event))
            if changes:
                event_participants.participants_changed(room_id, event.id, changes,
                                                        summary["participantCount"])
            broadcast.events_update(summary)
            announced += 1
    finally:
        db.session.remove()
    return announced


def _flush_loop(app: Flask) -> None:
    interval = app.config["PARTICIPANT_FLUSH_SECONDS"]
    while True:
        socketio.sleep(interval)
        try:
            with app.app_context():
                flush_once()
        except Exception:  # a database hiccup must not end the loop for good
            log.exception("participant flush failed")


def ensure_participant_flush(app: Flask) -> None:
    """Start the flush loop once per serving process (called by ``wsgi.py``)."""
    global _started_in_pid
    if _started_in_pid == os.getpid():
        return
    _started_in_pid = os.getpid()
    socketio.start_background_task(_flush_loop, app)
