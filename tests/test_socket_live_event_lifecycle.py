"""PROTOCOL.md section B against the real server with several real clients: an event's
lifecycle (ended, started, cancelled, created over REST), refusals, and leaving by logging in
as someone else (the rest: test_socket_live_events.py)."""
from __future__ import annotations

from tests.event_support import (
    active_ids,
    api,
    assert_refused,
    create_event,
    iso_in,
    join_event,
    listed_ids,
    logged_in,
    patch_event,
    register_account,
    say,
)
from tests.helpers import settle

in_event = lambda eid: lambda d: d.get("id") == eid  # noqa: E731


def test_ended_event_refuses_chat_but_keeps_its_history(server, connect, unique):
    eid = unique("ev")
    host, ben = connect(), connect()  # host: a guest made by joinEvent, token from user:session
    join_event(host, eid, unique("host")), join_event(ben, eid, unique("ben"))
    old = say(host, "before the end")
    assert api(server, "PATCH", f"/api/events/{eid}", ben.token, json={"action": "end"}) \
        .status_code == 403
    patch_event(server, host.token, eid, action="end")
    for client in (host, ben):
        assert client.wait_for("eventStatus") == {"id": eid, "status": "ended"}
    assert_refused(ben, "sendMessage", "too late", code="event_ended")
    settle()
    assert [m["text"] for m in host.received("newMessage")] == ["before the end"]
    join_event(ben, eid)  # joining again (or anew) still shows the chat
    reader = connect()
    join_event(reader, eid, unique("reader"))
    for client in (ben, reader):
        assert client.received("eventHistory")[-1]["messages"] == [old]


def test_start_and_cancel_reach_participants_and_the_lobby(server, connect, unique):
    host, ana, lobby = register_account(server, unique("host")), connect(), connect()
    event = create_event(server, host, name="Launch", startsAt=iso_in(60))
    eid = event["id"]
    assert event["status"] == "scheduled"
    assert lobby.wait_for("events:update", in_event(eid))["status"] == "scheduled"
    join_event(ana, eid, unique("ana"))
    assert ana.received("eventHistory")[-1]["event"]["status"] == "scheduled"
    assert eid not in active_ids(lobby)

    assert patch_event(server, host, eid, action="start")["status"] == "live"
    assert ana.wait_for("eventStatus") == {"id": eid, "status": "live"}
    update = lobby.wait_for("events:update", lambda d: d["id"] == eid and d["status"] == "live")
    assert update["participantCount"] == 1
    assert eid in active_ids(lobby)
    say(ana, "it started")

    patch_event(server, host, eid, action="cancel")
    assert ana.wait_for("eventStatus", count=2) == {"id": eid, "status": "cancelled"}
    lobby.wait_for("events:update", lambda d: d["id"] == eid and d["status"] == "cancelled")
    settle()
    assert lobby.received("eventStatus") == []  # not a participant
    assert eid not in active_ids(lobby)


def test_chat_before_start_only_when_the_host_allows_it(server, connect, unique):
    host = register_account(server, unique("host"))
    closed = create_event(server, host, name="Closed", startsAt=iso_in(60))["id"]
    opened = create_event(server, host, name="Open", startsAt=iso_in(60),
                          chatBeforeStart=True)["id"]
    ana, ben = connect(), connect()
    join_event(ana, closed, unique("ana")), join_event(ben, closed, unique("ben"))
    assert_refused(ana, "sendMessage", "early", code="forbidden")
    settle()
    assert ana.received("newMessage") == [] and ben.received("newMessage") == []
    join_event(ana, opened), join_event(ben, opened)
    message = say(ana, "early is fine here")
    assert ben.wait_for("newMessage") == message


def test_refused_requests_are_answered_and_change_nothing(server, connect, unique):
    eid = unique("ev")
    stranger, ana, ben = connect(), connect(), connect()
    assert_refused(stranger, "sendMessage", "hi", code="not_member")
    assert_refused(stranger, "joinEvent", {"username": "x", "eventId": "bad id!"}, code="invalid")
    assert_refused(stranger, "joinEvent", {"username": "x", "eventId": ["a"]}, code="invalid")
    assert_refused(stranger, "joinEvent", "just-a-string", code="invalid")
    fresh = unique("ev")
    assert_refused(stranger, "joinEvent", {"username": "  ", "eventId": fresh}, code="invalid")
    assert stranger.received("user:session") == []  # a refused join made no guest...
    assert api(server, "GET", f"/api/events/{fresh}").status_code == 404  # ...and no event
    join_event(ana, eid, unique("ana")), join_event(ben, eid, unique("ben"))
    for payload, code in ((123, "invalid"), ("   ", "invalid"), (None, "invalid"),
                          (["hi"], "invalid"), ("x" * 4001, "too_large"),
                          ("x" * 1_000_000, "too_large")):
        assert_refused(ana, "sendMessage", payload, code=code)
    for payload in ("yes", 1, None):
        assert_refused(ana, "typing", payload, code="invalid")
    settle()
    assert ben.received("newMessage") == [] and ben.received("userTyping") == []
    assert ben.received("error") == []
    assert ana.sio.connected and len(say(ana, "x" * 4000)["text"]) == 4000  # the limit is fine


def test_logging_in_as_someone_else_leaves_the_event(connect, unique):
    eid, ana, ben = unique("ev"), connect(), connect()
    join_event(ana, eid, unique("ana")), join_event(ben, eid, unique("ben"))
    zed = logged_in(connect, unique("zed"))
    assert ana.call("user:login", {"token": zed.token})["user"]["username"] == zed.user["username"]
    left = ben.wait_for("userLeft")
    assert (left["user"], left["participants"]) == (ana.user["username"], [ben.user["username"]])
    assert_refused(ana, "sendMessage", "as zed", code="not_member")
    say(ben, "ana is gone")
    settle()
    assert ana.received("newMessage") == []
    assert [m["text"] for m in ben.received("newMessage")] == ["ana is gone"]


def test_rest_created_event_is_active_when_live(server, connect, unique):
    host, lobby = register_account(server, unique("host")), connect()
    eid = create_event(server, host, name="Now", id=unique("rest"))["id"]
    later = create_event(server, host, name="Later", startsAt=iso_in(30))["id"]
    summary = [e for e in lobby.call("getActiveEvents") if e["id"] == eid]
    assert summary and (summary[0]["participantCount"], summary[0]["messageCount"]) == (0, 0)
    assert later not in active_ids(lobby)
    assert eid in listed_ids(server) and later not in listed_ids(server)


def test_guests_cannot_create_events_over_rest(server, connect, unique):
    guest, lobby, eid = logged_in(connect, unique("gus")), connect(), unique("rest")
    refused = api(server, "POST", "/api/events", guest.token, json={"name": "Mine", "id": eid})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert api(server, "GET", f"/api/events/{eid}").status_code == 404
    settle()
    assert lobby.received("events:update", in_event(eid)) == []


def test_empty_ad_hoc_event_is_unlisted_but_still_readable(server, connect, unique):
    eid, ana, lobby = unique("ev"), connect(), connect()
    join_event(ana, eid, unique("ana"))
    message = say(ana, "remember me")
    assert eid in listed_ids(server)
    ana.call("leaveEvent")
    lobby.wait_for("events:update", lambda d: d["id"] == eid and d["participantCount"] == 0)
    assert eid not in listed_ids(server) and eid not in active_ids(lobby)
    details = api(server, "GET", f"/api/events/{eid}")
    assert details.status_code == 200
    assert (details.json()["participantCount"], details.json()["messageCount"]) == (0, 1)
    page = api(server, "GET", f"/api/events/{eid}/messages").json()
    assert page["messages"] == [message]
