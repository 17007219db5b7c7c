"""The ``/api/events`` operations in the OpenAPI document: real answers validate against it.

As in ``test_api_openapi.py``, every request goes through the app's test client and both
request and response are validated with ``openapi-core``; requests the server refuses with 400
or 401 must also be refused by the document.
"""
from __future__ import annotations

import pytest

from chatapp.actions.event_lifecycle import do_create_event
from chatapp.actions.events import do_join_event
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.extensions import db
from chatapp.models.room import ROOM_KIND_EVENT
from tests.openapi_support import ana, bearer, ben, call, hana, openapi, spec  # noqa: F401
from tests.unit_support import bus  # noqa: F401


@pytest.fixture
def event(hana, ben):
    """A live event hosted by hana, with ben in it and two messages in its chat."""
    created = do_create_event(hana.actor, {"id": "launch", "name": "Launch", "description": "Go"})
    do_join_event("sid-ben", ben.actor, created.id, leaving_room_id=None)
    for text in ("hello", "multi\nline, with \"quotes\""):
        do_send_message(ben.actor, RoomRef(created.room_id, ROOM_KIND_EVENT), text)
    return created


# --- events --------------------------------------------------------------------------------

def test_events_list(call, event, hana):
    do_create_event(hana.actor, {"name": "Later", "startsAt": "2999-01-01T10:00:00+02:00",
                                 "endsAt": "2999-01-01T12:00:00Z", "chatBeforeStart": True})
    assert [e["id"] for e in call("GET", "/api/events", 200).get_json()] == ["launch"]
    everything = call("GET", "/api/events?status=all", 200).get_json()
    assert [e["status"] for e in everything] == ["scheduled", "live"]  # no start time: last
    assert everything[1]["startsAt"] is None and everything[1]["host"]["username"] == "hana"
    call("GET", "/api/events?status=soon", 400, request_ok=False)


def test_event_details(call, event):
    details = call("GET", "/api/events/launch", 200).get_json()
    assert details["participants"] == ["ben"] and details["messageCount"] == 2
    call("GET", "/api/events/nope", 404)


def test_event_without_a_host(call, event):
    event.host_id = None  # the column allows it; the serializer answers null
    db.session.commit()
    assert call("GET", "/api/events/launch", 200).get_json()["host"] is None
    assert call("GET", "/api/events", 200).get_json()[0]["host"] is None


def test_create_event(call, hana):
    response = call("POST", "/api/events", 201, headers=bearer(hana.token), json={
        "id": "talk-1", "name": "  Talk  ", "description": None, "startsAt": None,
        "endsAt": "2999-01-01T00:00:00Z", "chatBeforeStart": False})
    assert response.headers["Location"] == "/api/events/talk-1"
    assert response.get_json()["name"] == "Talk"
    generated = call("POST", "/api/events", 201, headers=bearer(hana.token), json={"name": "x"})
    assert generated.get_json()["id"].startswith("event-")
    legacy = call("POST", "/api/events", 201, headers=bearer(hana.token),
                  json={"id": 42, "name": "x"})
    assert legacy.get_json()["id"] == "42"


@pytest.mark.parametrize("body", [
    {},
    {"name": ""},
    {"name": "x" * 121},
    {"name": "x", "description": "d" * 2001},
    {"name": "x", "id": "-starts-with-a-dash"},
    {"name": "x", "id": "x" * 65},
    {"name": "x", "startsAt": "tomorrow"},
    {"name": "x", "chatBeforeStart": "yes"},
    {"name": "x", "action": "start"},
    {"name": "x", "colour": "red"},
])
def test_create_event_invalid_fields(call, hana, body):
    response = call("POST", "/api/events", 400, request_ok=False, headers=bearer(hana.token),
                    json=body)
    assert response.get_json()["error"]["fields"]


def test_create_event_refusals(call, event, hana, ana):
    call("POST", "/api/events", 400, request_ok=False, headers=bearer(hana.token),
         data="name=x", content_type="application/x-www-form-urlencoded")
    call("POST", "/api/events", 401, request_ok=False, json={"name": "x"})
    guest = call("POST", "/api/events", 403, headers=bearer(ana.token), json={"name": "x"})
    assert guest.get_json()["error"]["code"] == "forbidden"
    taken = call("POST", "/api/events", 409, headers=bearer(hana.token),
                 json={"id": "launch", "name": "again"})
    assert taken.get_json()["error"]["fields"] == {"id": "already taken"}


def test_writes_over_the_rate_limit(call, app, hana):
    app.config["RATE_LIMIT_REST_WRITES"] = "2/minute"
    for name in ("one", "two"):
        call("POST", "/api/events", 201, headers=bearer(hana.token), json={"name": name})
    limited = call("POST", "/api/events", 429, headers=bearer(hana.token), json={"name": "three"})
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    call("PATCH", "/api/users/me", 429, headers=bearer(hana.token), json={"status": "hi"})


def test_update_event(call, event, hana):
    path, auth = "/api/events/launch", bearer(hana.token)
    renamed = call("PATCH", path, 200, headers=auth, json={"name": "Renamed", "description": None})
    assert renamed.get_json()["name"] == "Renamed"
    ended = call("PATCH", path, 200, headers=auth, json={"action": "end"}).get_json()
    assert ended["status"] == "ended" and ended["endsAt"] is not None


def test_update_event_refusals(call, event, hana, ben):
    path = "/api/events/launch"
    call("PATCH", path, 400, request_ok=False, headers=bearer(hana.token), json={"id": "new"})
    call("PATCH", path, 400, request_ok=False, headers=bearer(hana.token),
         json={"action": "pause"})
    call("PATCH", path, 401, request_ok=False, json={"name": "x"})
    call("PATCH", path, 403, headers=bearer(ben.token), json={"name": "mine now"})
    call("PATCH", "/api/events/nope", 404, headers=bearer(hana.token), json={"name": "x"})
    call("PATCH", path, 409, headers=bearer(hana.token), json={"action": "start"})


def test_event_messages_pages(call, event):
    page = call("GET", "/api/events/launch/messages?limit=1", 200).get_json()
    assert [m["text"] for m in page["messages"]] == ['multi\nline, with "quotes"']
    rest = call("GET", f"/api/events/launch/messages?before={page['nextBefore']}", 200).get_json()
    assert [m["text"] for m in rest["messages"]] == ["hello"] and rest["nextBefore"] is None
    call("GET", "/api/events/launch/messages?limit=ten", 400, request_ok=False)
    call("GET", "/api/events/nope/messages", 404)


def test_transcript_json(call, event):
    transcript = call("GET", "/api/events/launch/transcript?format=json", 200).get_json()
    assert [m["text"] for m in transcript["messages"]] == ["hello", 'multi\nline, with "quotes"']
    assert transcript["event"]["id"] == "launch"


@pytest.mark.parametrize("fmt, mimetype", [
    (None, "text/plain"), ("txt", "text/plain"), ("md", "text/markdown"), ("csv", "text/csv")])
def test_transcript_text_formats(call, event, fmt, mimetype):
    query = f"?format={fmt}" if fmt else ""
    response = call("GET", f"/api/events/launch/transcript{query}", 200)
    assert response.mimetype == mimetype and "hello" in response.get_data(as_text=True)


def test_transcript_refusals(call, event):
    call("GET", "/api/events/launch/transcript?format=pdf", 400, request_ok=False)
    call("GET", "/api/events/nope/transcript", 404)
