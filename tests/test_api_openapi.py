"""The OpenAPI document at /api/openapi.json: valid, complete, and true to real responses.

Every request below goes through the app's test client; its response is validated (status,
headers, content type and body) against what the document says for that operation and
status, with ``openapi-core``. The request is checked against the document too: requests the
server refuses with 400 or 401 must also be refused by the documented parameters, bodies and
security.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.deserializing.media_types.util import plain_loads
from openapi_spec_validator import validate
from werkzeug.test import EnvironBuilder

from chatapp.actions.event_lifecycle import do_create_event
from chatapp.actions.events import do_join_event
from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.extensions import db
from chatapp.models.room import ROOM_KIND_COMMUNITY, ROOM_KIND_EVENT
from tests.unit_support import bus, login  # noqa: F401

DOCUMENT = Path(__file__).resolve().parent.parent / "chatapp" / "api" / "openapi.json"
IGNORED_METHODS = {"HEAD", "OPTIONS"}  # answered by Flask itself for every rule


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/openapi.json").get_json()


@pytest.fixture
def openapi(spec) -> OpenAPI:
    # openapi-core decodes only text/plain among text types; the others would stay bytes.
    text = {"text/markdown": plain_loads, "text/csv": plain_loads}
    return OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers=text))


@pytest.fixture
def call(client, openapi):
    """``call(method, path, status, **client_kwargs)``: make the request, check the status, and
    validate request and response against the document. ``request_ok=False`` asserts the
    document refuses the request as well."""
    def make(method: str, path: str, status: int, *, request_ok: bool = True, **kwargs):
        response = client.open(path, method=method, **kwargs)
        response.get_data()  # buffer a streamed body before it is validated
        assert response.status_code == status, response.get_data(as_text=True)
        # The test client's own request has had its body read by the app; build an unread copy.
        request = WerkzeugOpenAPIRequest(EnvironBuilder(path, method=method, **kwargs).get_request())
        request_errors = list(openapi.iter_request_errors(request))
        assert (not request_errors) == request_ok, request_errors
        openapi.validate_response(request, WerkzeugOpenAPIResponse(response))
        return response
    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ana(bus):  # noqa: F811
    return login(bus, "sid-ana", "ana", avatar="a.png")


@pytest.fixture
def ben(bus):  # noqa: F811
    return login(bus, "sid-ben", "ben")


@pytest.fixture
def event(ana, ben):
    """A live event hosted by ana, with ben in it and two messages in its chat."""
    created = do_create_event(ana.actor, {"id": "launch", "name": "Launch", "description": "Go"})
    do_join_event("sid-ben", ben.actor, created.id, leaving_room_id=None)
    for text in ("hello", "multi\nline, with \"quotes\""):
        do_send_message(ben.actor, RoomRef(created.room_id, ROOM_KIND_EVENT), text)
    return created


# --- the document itself -------------------------------------------------------------------

def test_document_is_a_valid_openapi_document(spec):
    validate(spec)


def test_served_document_is_the_file_in_the_package(call, spec):
    call("GET", "/api/openapi.json", 200)
    assert spec == json.loads(DOCUMENT.read_text())


def openapi_path(rule: str) -> str:
    """``/api/rooms/<int:room_id>/messages`` -> ``/api/rooms/{roomId}/messages``."""
    def camel(match: re.Match) -> str:
        first, *rest = match.group(1).split("_")
        return "{" + first + "".join(word.title() for word in rest) + "}"
    return re.sub(r"<(?:\w+:)?(\w+)>", camel, rule)


def test_every_api_route_is_documented_and_nothing_else(app, spec):
    routes = {(openapi_path(rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api")
              for method in rule.methods - IGNORED_METHODS}
    documented = {(path, method) for path, item in spec["paths"].items()
                  for method in item if method in {"get", "post", "put", "patch", "delete"}}
    assert routes == documented


def test_every_operation_documents_its_path_parameters(spec):
    def parameter(ref_or_param: dict) -> dict:
        if "$ref" in ref_or_param:
            return spec["components"]["parameters"][ref_or_param["$ref"].rsplit("/", 1)[1]]
        return ref_or_param

    for path, item in spec["paths"].items():
        in_path = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            params = [parameter(p) for p in operation.get("parameters", [])]
            assert {p["name"] for p in params if p["in"] == "path"} == in_path, (method, path)


# --- rooms, health, conversations ----------------------------------------------------------

def test_rooms_list(call):
    assert len(call("GET", "/api/rooms", 200).get_json()) == 5


def test_room_messages_pages(call, ana):
    for text in ("one", "two", "three"):
        do_send_message(ana.actor, RoomRef(1, ROOM_KIND_COMMUNITY), text)
    page = call("GET", "/api/rooms/1/messages?limit=2", 200).get_json()
    assert page["nextBefore"] == 2
    last = call("GET", "/api/rooms/1/messages?limit=2&before=2", 200).get_json()
    assert last["nextBefore"] is None and last["messages"][0]["avatar"] == "a.png"


def test_next_before_is_null_on_an_exactly_full_last_page(call, ana):
    for text in ("one", "two"):
        do_send_message(ana.actor, RoomRef(1, ROOM_KIND_COMMUNITY), text)
    assert call("GET", "/api/rooms/1/messages?limit=2", 200).get_json()["nextBefore"] is None


@pytest.mark.parametrize("query", ["before=abc", "before=0", "before=1234567890123456789",
                                   "limit=0", "limit=ten"])
def test_room_messages_bad_query(call, query):
    call("GET", f"/api/rooms/1/messages?{query}", 400, request_ok=False)


def test_room_messages_unknown_room(call):
    call("GET", "/api/rooms/99/messages", 404)


def test_health(call, monkeypatch):
    call("GET", "/api/health", 200)

    def refuse(*_args, **_kwargs):
        raise ConnectionError("database gone")
    monkeypatch.setattr(db.session, "execute", refuse)
    call("GET", "/api/health", 503)


def test_conversation_needs_a_token(call, ana):
    body = call("GET", "/api/conversations/1/messages", 401, request_ok=False).get_json()
    assert body["error"]["code"] == "not_logged_in"
    body = call("GET", "/api/conversations/1/messages", 401, headers=bearer("forged")).get_json()
    assert body["error"]["code"] == "auth_failed"


def test_conversation_messages(call, ana, ben):
    do_send_private_message(ana.actor, ben.actor.user_id, "hi ben")
    do_send_private_message(ben.actor, ana.actor.user_id, "hi ana")
    path = f"/api/conversations/{ana.actor.user_id}/messages"
    page = call("GET", path, 200, headers=bearer(ben.token)).get_json()
    assert [m["avatar"] for m in page["messages"]] == [None, "a.png"]
    call("GET", "/api/conversations/99/messages", 404, headers=bearer(ben.token))


# --- events --------------------------------------------------------------------------------

def test_events_list(call, event, ana):
    do_create_event(ana.actor, {"name": "Later", "startsAt": "2999-01-01T10:00:00+02:00",
                                "endsAt": "2999-01-01T12:00:00Z", "chatBeforeStart": True})
    assert [e["id"] for e in call("GET", "/api/events", 200).get_json()] == ["launch"]
    everything = call("GET", "/api/events?status=all", 200).get_json()
    assert [e["status"] for e in everything] == ["scheduled", "live"]  # no start time: last
    assert everything[1]["startsAt"] is None and everything[1]["host"]["username"] == "ana"
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


def test_create_event(call, ana):
    response = call("POST", "/api/events", 201, headers=bearer(ana.token), json={
        "id": "talk-1", "name": "  Talk  ", "description": None, "startsAt": None,
        "endsAt": "2999-01-01T00:00:00Z", "chatBeforeStart": False})
    assert response.headers["Location"] == "/api/events/talk-1"
    assert response.get_json()["name"] == "Talk"
    generated = call("POST", "/api/events", 201, headers=bearer(ana.token), json={"name": "x"})
    assert generated.get_json()["id"].startswith("event-")
    legacy = call("POST", "/api/events", 201, headers=bearer(ana.token), json={"id": 42, "name": "x"})
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
def test_create_event_invalid_fields(call, ana, body):
    response = call("POST", "/api/events", 400, request_ok=False, headers=bearer(ana.token), json=body)
    assert response.get_json()["error"]["fields"]


def test_create_event_refusals(call, event, ana):
    call("POST", "/api/events", 400, request_ok=False, headers=bearer(ana.token),
         data="name=x", content_type="application/x-www-form-urlencoded")
    call("POST", "/api/events", 401, request_ok=False, json={"name": "x"})
    taken = call("POST", "/api/events", 409, headers=bearer(ana.token),
                 json={"id": "launch", "name": "again"})
    assert taken.get_json()["error"]["fields"] == {"id": "already taken"}


def test_update_event(call, event, ana):
    path, auth = "/api/events/launch", bearer(ana.token)
    renamed = call("PATCH", path, 200, headers=auth, json={"name": "Renamed", "description": None})
    assert renamed.get_json()["name"] == "Renamed"
    ended = call("PATCH", path, 200, headers=auth, json={"action": "end"}).get_json()
    assert ended["status"] == "ended" and ended["endsAt"] is not None


def test_update_event_refusals(call, event, ana, ben):
    path = "/api/events/launch"
    call("PATCH", path, 400, request_ok=False, headers=bearer(ana.token), json={"id": "new"})
    call("PATCH", path, 400, request_ok=False, headers=bearer(ana.token), json={"action": "pause"})
    call("PATCH", path, 401, request_ok=False, json={"name": "x"})
    call("PATCH", path, 403, headers=bearer(ben.token), json={"name": "mine now"})
    call("PATCH", "/api/events/nope", 404, headers=bearer(ana.token), json={"name": "x"})
    call("PATCH", path, 409, headers=bearer(ana.token), json={"action": "start"})


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
