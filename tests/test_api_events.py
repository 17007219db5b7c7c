"""REST ``/api/events``: listing, details, creation, validation, lifecycle, history, transcripts."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from chatapp import broadcast, event_queries, process_registry
from chatapp.actions.accounts import do_register
from chatapp.actions.events import do_join_event
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.sessions import do_login
from chatapp.extensions import db
from chatapp.identity import issue_token
from chatapp.models import User


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


def iso(hours: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def four_events(client, headers) -> dict[str, str]:
    """One event of each status; returns status -> id."""
    ids = {"live": create(client, headers, name="Now", id="now")["id"],
           "scheduled": create(client, headers, name="Soon", startsAt=iso(2))["id"],
           "ended": create(client, headers, name="Past", startsAt=iso(-2), endsAt=iso(-1))["id"],
           "cancelled": create(client, headers, name="Off", startsAt=iso(3))["id"]}
    response = client.patch(f"/api/events/{ids['cancelled']}", json={"action": "cancel"},
                            headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    return ids


def test_listing_defaults_to_live_and_filters_by_status(client, host):
    ids = four_events(client, host[1])
    assert [e["id"] for e in client.get("/api/events").get_json()] == [ids["live"]]
    for status, event_id in ids.items():
        listed = client.get(f"/api/events?status={status}").get_json()
        assert [(e["id"], e["status"]) for e in listed] == [(event_id, status)]
    assert sorted(e["id"] for e in client.get("/api/events?status=all").get_json()) == \
        sorted(ids.values())
    assert "status" in error_of(client.get("/api/events?status=soon"), 400, "invalid")["fields"]


def test_details_show_participants_and_counts(client, host):
    actor, headers = host
    ana, ben = person("ana")[0], person("ben")[0]
    create(client, headers, name="Talk", description="About things", id="talk")
    for sid, who in (("sid-ana", ana), ("sid-ana-2", ana), ("sid-ben", ben)):
        if sid == "sid-ana-2":
            do_login(sid, token=issue_token(db.session.get(User, ana.user_id)))
        do_join_event(sid, who, "talk", leaving_room_id=None)
    post_messages(ana, "talk", ["a", "b"]), post_messages(ben, "talk", ["c"])
    body = client.get("/api/events/talk").get_json()
    assert body["participants"] == ["ana", "ben"]
    assert (body["participantCount"], body["messageCount"]) == (2, 3)
    assert (body["id"], body["name"], body["description"], body["status"]) == \
        ("talk", "Talk", "About things", "live")
    assert body["host"] == {"userId": actor.user_id, "username": "hana", "avatar": None}
    assert (body["chatBeforeStart"], body["adHoc"]) == (False, False)
    assert error_of(client.get("/api/events/nope"), 404, "not_found")


def test_create_answers_201_with_a_working_location(client, host):
    response = client.post("/api/events", json={"name": " Launch ", "id": "launch",
                                                 "startsAt": iso(1), "endsAt": iso(2),
                                                 "chatBeforeStart": True}, headers=host[1])
    assert response.status_code == 201
    body = response.get_json()
    assert (body["id"], body["name"], body["status"], body["chatBeforeStart"]) == \
        ("launch", "Launch", "scheduled", True)
    assert re.fullmatch(r"(https?://[^/]+)?/api/events/launch", response.headers["Location"])
    assert client.get(response.headers["Location"]).get_json() == body

    generated = create(client, host[1], name="No id given")
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,63}", generated["id"])
    assert client.get(f"/api/events/{generated['id']}").status_code == 200


def test_create_refuses_a_taken_id_and_callers_without_a_token(client, host):
    create(client, host[1], name="First", id="dup")
    taken = client.post("/api/events", json={"name": "Second", "id": "dup"}, headers=host[1])
    assert "id" in error_of(taken, 409, "conflict")["fields"]
    assert client.get("/api/events/dup").get_json()["name"] == "First"
    error_of(client.post("/api/events", json={"name": "x"}), 401, "not_logged_in")
    forged = {"Authorization": "Bearer not-a-token"}
    error_of(client.post("/api/events", json={"name": "x"}, headers=forged), 401, "auth_failed")


def test_guests_cannot_create_events(client, host):
    guest = person("gus")[1]
    for body in ({"name": "Mine", "id": "by-guest"}, {"name": 5}, {}):
        error_of(client.post("/api/events", json=body, headers=guest), 403, "forbidden")
    assert client.get("/api/events?status=all").get_json() == []


@pytest.mark.parametrize("body, fields", [
    ({"name": 5, "chatBeforeStart": "yes"}, {"name", "chatBeforeStart"}),
    ({"name": "n" * 121, "description": "d" * 2001}, {"name", "description"}),
    ({"name": "x", "startsAt": "tomorrow", "endsAt": "2026-12-01T18:00:00"},
     {"startsAt", "endsAt"}),
    ({"name": "x", "startsAt": "2026-12-01T18:00:00Z", "endsAt": "2026-12-01T17:00:00Z"},
     {"endsAt"}),
    ({"name": "x", "colour": "red"}, {"colour"}),
    ({"name": "x", "id": "bad id!"}, {"id"}),
    ({"description": "no name", "id": ["x"], "chatBeforeStart": 1},
     {"name", "id", "chatBeforeStart"}),
    ({"name": "   "}, {"name"}),
])
def test_create_lists_every_bad_field(client, host, body, fields):
    error = error_of(client.post("/api/events", json=body, headers=host[1]), 400, "invalid")
    assert set(error["fields"]) == fields, error
    assert client.get("/api/events?status=all").get_json() == []


@pytest.mark.parametrize("data, content_type", [
    ('{"name": "x",', "application/json"),
    ("name=x", "application/x-www-form-urlencoded"),
    ('{"name": "x"}', "text/plain"),
    ('["name"]', "application/json"),
])
def test_create_refuses_a_body_that_is_not_a_json_object(client, host, data, content_type):
    response = client.post("/api/events", data=data, content_type=content_type, headers=host[1])
    error_of(response, 400, "invalid")
    assert client.get("/api/events?status=all").get_json() == []


def test_limits_themselves_are_accepted(client, host):
    body = create(client, host[1], name="n" * 120, description="d" * 2000)
    assert (len(body["name"]), len(body["description"])) == (120, 2000)


def test_host_renames_and_reschedules(client, host):
    create(client, host[1], name="Old", id="ev")
    response = client.patch("/api/events/ev", json={"name": "New", "description": "More",
                                                    "startsAt": "2099-01-01T10:00:00+02:00"},
                            headers=host[1])
    assert response.status_code == 200
    body = client.get("/api/events/ev").get_json()
    assert (body["name"], body["description"], body["status"]) == ("New", "More", "scheduled")
    assert body["startsAt"] == "2099-01-01T08:00:00.000Z"
    for body, field in (({"id": "x"}, "id"), ({"endsAt": "2098-01-01T00:00:00Z"}, "endsAt"),
                        ({"name": ""}, "name")):
        bad = client.patch("/api/events/ev", json=body, headers=host[1])
        assert set(error_of(bad, 400, "invalid")["fields"]) == {field}
    assert client.get("/api/events/ev").get_json()["name"] == "New"


def test_lifecycle_transitions_and_refused_ones(client, host):
    headers = host[1]
    patch = lambda eid, **body: client.patch(f"/api/events/{eid}", json=body,  # noqa: E731
                                             headers=headers)
    create(client, headers, name="Show", id="show", startsAt=iso(1))
    error_of(patch("show", action="end"), 409, "conflict")
    started = patch("show", action="start").get_json()
    assert started["status"] == "live"
    assert abs(datetime.fromisoformat(started["startsAt"][:-1]).replace(tzinfo=timezone.utc)
               - datetime.now(timezone.utc)) < timedelta(minutes=1)
    error_of(patch("show", action="start"), 409, "conflict")
    assert patch("show", action="end").get_json()["status"] == "ended"
    error_of(patch("show", action="cancel"), 409, "conflict")
    error_of(patch("show", action="end"), 409, "conflict")
    assert client.get("/api/events/show").get_json()["status"] == "ended"
    create(client, headers, name="Maybe", id="maybe", startsAt=iso(1))
    assert patch("maybe", action="cancel").get_json()["status"] == "cancelled"
    error_of(patch("maybe", action="start"), 409, "conflict")
    assert "action" in error_of(patch("show", action="pause"), 400, "invalid")["fields"]
    error_of(patch("ghost", action="end"), 404, "not_found")


def test_only_the_host_may_change_an_event(client, host):
    create(client, host[1], name="Mine", id="mine")
    for other in (person("mallory")[1], account("mel")[1]):  # a guest, another account
        for body in ({"name": "Theirs"}, {"action": "end"}, {"action": "cancel"}):
            error_of(client.patch("/api/events/mine", json=body, headers=other), 403, "forbidden")
    error_of(client.patch("/api/events/mine", json={"name": "Theirs"}), 401, "not_logged_in")
    body = client.get("/api/events/mine").get_json()
    assert (body["name"], body["status"]) == ("Mine", "live")


def test_an_admin_may_change_any_event(client, host):
    create(client, host[1], name="Mine", id="mine")
    admin = account("root-user", admin=True)[1]
    response = client.patch("/api/events/mine", json={"name": "Renamed by staff"}, headers=admin)
    assert response.status_code == 200 and response.get_json()["name"] == "Renamed by staff"
    assert client.patch("/api/events/mine", json={"action": "end"},
                        headers=admin).get_json()["status"] == "ended"
    body = client.get("/api/events/mine").get_json()
    assert (body["name"], body["status"], body["host"]["username"]) == \
        ("Renamed by staff", "ended", "hana")


def test_guest_host_of_an_ad_hoc_event_may_change_it(client, ctx):
    gus, headers = person("gus")
    do_join_event("sid-gus", gus, "pop-up", leaving_room_id=None)  # an unknown id: created
    assert client.get("/api/events/pop-up").get_json()["adHoc"] is True
    response = client.patch("/api/events/pop-up", json={"name": "Pop-up"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["name"] == "Pop-up"
    error_of(client.patch("/api/events/pop-up", json={"name": "Theirs"},
                          headers=person("mallory")[1]), 403, "forbidden")
    assert client.patch("/api/events/pop-up", json={"action": "end"},
                        headers=headers).get_json()["status"] == "ended"


def test_messages_page_newest_first_with_a_cursor(client, host, app):
    app.config["RATE_LIMIT_MESSAGES"] = "200/10second"  # the host posts a burst of 105
    actor, headers = host
    create(client, headers, name="Chat", id="chat")
    sent = post_messages(actor, "chat", [f"m{i}" for i in range(105)])
    page = client.get("/api/events/chat/messages?limit=2").get_json()
    assert page == {"messages": sent[-1:-3:-1], "nextBefore": sent[-2]["id"]}
    assert set(page["messages"][0]) >= {"id", "text", "username", "userId", "timestamp"}
    older = client.get(f"/api/events/chat/messages?limit=2&before={page['nextBefore']}")
    assert older.get_json()["messages"] == sent[-3:-5:-1]
    capped = client.get("/api/events/chat/messages?limit=1000").get_json()
    assert capped["messages"] == sent[:-101:-1] and capped["nextBefore"] == sent[5]["id"]
    rest = client.get(f"/api/events/chat/messages?before={sent[5]['id']}&limit=100").get_json()
    assert rest == {"messages": sent[4::-1], "nextBefore": None}
    assert client.get("/api/events/chat/messages").get_json()["messages"] == sent[:-51:-1]
    error_of(client.get("/api/events/chat/messages?limit=zero"), 400, "invalid")
    error_of(client.get("/api/events/ghost/messages"), 404, "not_found")


TRICKY = ['hello, "world"', "two\nlines, here", "*bold* and _under_"]


@pytest.fixture
def chatted(client, host):
    """Event ``t1`` with three awkward messages, by alice, bob and alice."""
    create(client, host[1], name="Q&A *live*", id="t1")
    alice, bob = person("alice")[0], person("bob")[0]
    for who, text in zip((alice, bob, alice), TRICKY):
        post_messages(who, "t1", [text])
    return client


@pytest.mark.parametrize("query, mimetype, ext", [
    ("", "text/plain", "txt"), ("?format=txt", "text/plain", "txt"),
    ("?format=md", "text/markdown", "md"), ("?format=json", "application/json", "json"),
    ("?format=csv", "text/csv", "csv"),
])
def test_transcript_downloads_in_each_format(chatted, query, mimetype, ext):
    response = chatted.get(f"/api/events/t1/transcript{query}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="t1-transcript.{ext}"'
    text = response.get_data(as_text=True)
    positions = [text.find(marker) for marker in ("alice", "world", "bob", "lines", "bold")]
    assert -1 not in positions and positions == sorted(positions), text


def test_csv_transcript_round_trips_awkward_text(chatted):
    rows = list(csv.reader(io.StringIO(chatted.get("/api/events/t1/transcript?format=csv")
                                       .get_data(as_text=True))))
    assert rows[0] == ["id", "timestamp", "username", "text"]
    assert [(r[2], r[3]) for r in rows[1:]] == list(zip(("alice", "bob", "alice"), TRICKY))


def test_json_transcript_is_chronological(chatted):
    body = json.loads(chatted.get("/api/events/t1/transcript?format=json").get_data())
    assert body["event"]["id"] == "t1" and body["event"]["messageCount"] == 3
    assert [(m["username"], m["text"]) for m in body["messages"]] == \
        list(zip(("alice", "bob", "alice"), TRICKY))
    assert [m["id"] for m in body["messages"]] == sorted(m["id"] for m in body["messages"])


def test_markdown_transcript_escapes_emphasis(chatted):
    text = chatted.get("/api/events/t1/transcript?format=md").get_data(as_text=True)
    assert r"\*bold\* and \_under\_" in text
    assert re.search(r"(?<!\\)[*_](bold|under|live)", text) is None, text
    assert r"Q&A \*live\*" in text


def test_transcript_refuses_an_unknown_format_or_event(chatted):
    error = error_of(chatted.get("/api/events/t1/transcript?format=pdf"), 400, "invalid")
    assert "format" in error["fields"]
    error_of(chatted.get("/api/events/ghost/transcript"), 404, "not_found")
