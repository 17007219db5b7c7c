"""In-process helpers for the REST ``/api/events`` tests: people, requests and error shapes.

Test modules import the fixtures: ``from tests.api_events_support import ctx, host  # noqa: F401``.
"""
from __future__ import annotations

import pytest

from chatapp.actions.accounts import do_register
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.sessions import do_login
from chatapp.cluster import process_registry
from chatapp.extensions import db
from chatapp.models import User
from chatapp.queries import events as event_queries
from chatapp.realtime import broadcast
from chatapp.security.identity import issue_token


@pytest.fixture
def ctx(app, monkeypatch):
    """No socket server: broadcasts are no-ops. Runs the test inside an app context."""
    for name in ("send", "subscribe", "unsubscribe"):
        monkeypatch.setattr(broadcast, name, lambda *a, **k: None)
    monkeypatch.setattr(process_registry, "_process_id", None)
    with app.app_context():
        yield
        db.session.remove()


def person(name: str):
    """A logged-in guest: its actor and ``Authorization`` headers."""
    actor = do_login(f"sid-{name}", username=name).actor
    token = issue_token(db.session.get(User, actor.user_id))
    return actor, {"Authorization": f"Bearer {token}"}


def account(name: str, *, admin: bool = False):
    """A logged-in account (only accounts may create events): its actor and headers."""
    user = do_register(name, "correct horse battery")
    if admin:
        user.is_admin = True
        db.session.commit()
    token = issue_token(user)
    actor = do_login(f"sid-{name}", token=token).actor
    return actor, {"Authorization": f"Bearer {token}"}


def create(client, headers, **fields):
    response = client.post("/api/events", json=fields, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(True))
    body = response.get_json()
    assert body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]


def post_messages(actor, event_id: str, texts) -> list[dict]:
    room = RoomRef(event_queries.get_event(event_id).room_id, "event")
    return [do_send_message(actor, room, text) for text in texts]


@pytest.fixture
def host(ctx):
    return account("hana")
