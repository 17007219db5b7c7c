"""REST ``/api/events``: listing, details, creation, validation, lifecycle and who may change.

Message history and transcripts are in ``test_api_events_history.py``.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from chatapp.actions.events import do_join_event
from chatapp.actions.sessions import do_login
from chatapp.extensions import db
from chatapp.models import User
from chatapp.security.identity import issue_token
from chatapp.serializers import wire_user_id
from tests.api_events_support import (  # noqa: F401
    account,
    create,
    ctx,
    error_of,
    host,
    person,
    post_messages,
)


def iso(hours: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    assert body["host"] == {"userId": wire_user_id(actor), "username": "hana", "avatar": None,
                            "displayName": None, "isGuest": False}
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
