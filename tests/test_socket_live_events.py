"""PROTOCOL.md section B, row by row, against the real server with several real clients."""
from __future__ import annotations

from tests.event_support import (active_ids, api, assert_event_message, assert_event_times,
                                 assert_refused, create_event, iso_in, is_int, join_event,
                                 listed_ids, logged_in, patch_event, register_account, say,
                                 second_tab)
from tests.helpers import settle

in_event = lambda eid: lambda d: d.get("id") == eid  # noqa: E731


def test_join_announces_joiner_and_sends_latest_history(server, connect, unique):
    eid, ana_name, ben_name = unique("ev"), unique("ana"), unique("ben")
    ana = connect()
    ack = join_event(ana, eid, ana_name)  # not logged in: becomes a guest named ana
    assert ack["user"] == ana_name
    joined = ana.wait_for("userJoined")
    assert (joined["user"], joined["participants"]) == (ana_name, [ana_name])
    assert_event_times(joined)
    first = ana.wait_for("eventHistory")
    assert (first["messages"], first["participants"]) == ([], [ana_name])
    assert first["event"]["id"] == eid and first["event"]["status"] == "live"
    sent = [say(ana, text) for text in ("one", "two", "three")]

    ben = connect()
    join_event(ben, eid, ben_name)
    for client in (ana, ben):
        got = client.wait_for("userJoined", lambda d: d["user"] == ben_name)
        assert got["participants"] == [ana_name, ben_name]
    history = ben.wait_for("eventHistory")
    assert [m["id"] for m in history["messages"]] == [m["id"] for m in sent]
    for message, text in zip(history["messages"], ("one", "two", "three")):
        assert_event_message(message, text=text, username=ana_name)
    assert history["participants"] == [ana_name, ben_name]
    assert len(ana.received("eventHistory")) == 1  # history goes to the joiner only


def test_history_holds_the_latest_hundred_messages_oldest_first(connect, unique):
    eid, ana, ben = unique("ev"), connect(), connect()
    join_event(ana, eid, unique("ana"))
    sent = [say(ana, f"m{i}")["id"] for i in range(103)]
    join_event(ben, eid, unique("ben"))
    assert [m["id"] for m in ben.received("eventHistory")[-1]["messages"]] == sent[-100:]


def test_ad_hoc_event_is_created_live_and_hosted_by_the_first_joiner(server, connect, unique):
    eid, ana = unique("ev"), connect()
    join_event(ana, eid, unique("ana"))
    details = api(server, "GET", f"/api/events/{eid}").json()
    assert (details["status"], details["adHoc"]) == ("live", True)
    assert details["host"]["userId"] == ana.user["userId"]
    assert details["participants"] == [ana.user["username"]]


def test_send_message_reaches_the_event_sender_included(connect, unique):
    eid = unique("ev")
    ana, ben, cara = connect(), connect(), connect()
    join_event(ana, eid, unique("ana")), join_event(ben, eid, unique("ben"))
    join_event(cara, unique("other"), unique("cara"))
    message = say(ana, "  hello event  ")
    assert_event_message(message, text="hello event", username=ana.user["username"])
    for client in (ana, ben):
        assert client.wait_for("newMessage") == message
    settle()
    assert cara.received("newMessage") == []


def test_typing_reaches_the_others_only(connect, unique):
    eid = unique("ev")
    ana, ben, cara = connect(), connect(), connect()
    join_event(ana, eid, unique("ana")), join_event(ben, eid, unique("ben"))
    join_event(cara, unique("other"), unique("cara"))
    assert ana.call("typing", True)["ok"] is True
    assert ben.wait_for("userTyping") == {"username": ana.user["username"], "isTyping": True}
    assert ana.call("typing", False)["ok"] is True
    assert ben.wait_for("userTyping", count=2) == {"username": ana.user["username"],
                                                   "isTyping": False}
    settle()
    assert ana.received("userTyping") == [] and cara.received("userTyping") == []


def test_leave_announces_updated_participants_and_stops_delivery(connect, unique):
    eid = unique("ev")
    ana, ben = connect(), connect()
    join_event(ana, eid, unique("ana")), join_event(ben, eid, unique("ben"))
    assert ben.call("leaveEvent")["ok"] is True
    left = ana.wait_for("userLeft")
    assert (left["user"], left["participants"]) == (ben.user["username"], [ana.user["username"]])
    assert_event_times(left)
    say(ana, "after ben left")
    settle()
    assert ben.received("newMessage") == []
    assert_refused(ben, "leaveEvent", code="not_member")
    assert_refused(ben, "sendMessage", "hello?", code="not_member")


def test_disconnect_is_the_same_as_leaving(connect, unique):
    eid = unique("ev")
    ana, ben = connect(), connect()
    join_event(ana, eid, unique("ana")), join_event(ben, eid, unique("ben"))
    ben.close()
    left = ana.wait_for("userLeft")
    assert (left["user"], left["participants"]) == (ben.user["username"], [ana.user["username"]])


def test_get_active_events_acknowledges_summaries_with_counts(connect, unique):
    eid = unique("ev")
    ana, ben, lobby = connect(), connect(), connect()
    join_event(ana, eid, unique("ana")), join_event(ben, eid, unique("ben"))
    say(ana, "one"), say(ben, "two")
    events = lobby.call("getActiveEvents")
    assert isinstance(events, list)
    mine = [e for e in events if e["id"] == eid]
    assert len(mine) == 1, events
    assert (mine[0]["participantCount"], mine[0]["messageCount"]) == (2, 2)
    assert is_int(mine[0]["participantCount"]) and is_int(mine[0]["messageCount"])
    assert mine[0]["status"] == "live"


def test_two_tabs_of_one_user_count_once(connect, unique):
    eid = unique("ev")
    ana = logged_in(connect, unique("ana"))
    ben = connect()
    join_event(ana, eid), join_event(ben, eid, unique("ben"))
    names = [ana.user["username"], ben.user["username"]]
    tab = second_tab(connect, ana)
    join_event(tab, eid)
    assert tab.wait_for("eventHistory")["participants"] == names
    assert tab.wait_for("userJoined")["participants"] == names
    summary = [e for e in ben.call("getActiveEvents") if e["id"] == eid][0]
    assert summary["participantCount"] == 2
    settle()
    assert ben.received("userJoined", lambda d: d["user"] == names[0]) == []

    assert ana.call("leaveEvent")["ok"] is True
    settle()
    assert ben.received("userLeft") == []  # ana is still here in her other tab
    say(tab, "still here")
    assert ben.wait_for("newMessage")["username"] == names[0]
    tab.close()
    assert ben.wait_for("userLeft")["participants"] == [names[1]]


def test_joining_another_event_leaves_the_first(connect, unique):
    first, second = unique("evA"), unique("evB")
    ana, ben = connect(), connect()
    join_event(ana, first, unique("ana")), join_event(ben, first, unique("ben"))
    join_event(ana, second)
    left = ben.wait_for("userLeft")
    assert (left["user"], left["participants"]) == (ana.user["username"], [ben.user["username"]])
    assert ana.received("eventHistory")[-1]["event"]["id"] == second
    say(ben, "only for the first event")
    settle()
    assert ana.received("newMessage") == []


def test_join_event_under_another_name_on_the_same_socket_acts_under_it(connect, unique):
    """The old client's log-out-and-in: leaveEvent, then joinEvent with a new username on the
    same socket. A guest made by a bare name becomes a new guest under the new one."""
    eid, ana, ben = unique("ev"), connect(), connect()
    old, new = unique("ana"), unique("anna")
    join_event(ana, eid, old), join_event(ben, eid, unique("ben"))
    old_id = ana.user["userId"]
    assert ana.call("leaveEvent")["ok"]
    ack = ana.call("joinEvent", {"username": new, "eventId": eid})
    assert ack["ok"] and ack["user"] == new, ack
    joined = ben.wait_for("userJoined", lambda d: d["user"] == new)
    assert old not in joined["participants"]
    ben.wait_for("user:offline", lambda d: d["userId"] == old_id)  # with its only socket
    assert say(ana, "under my new name")["username"] == new
    assert ben.wait_for("newMessage")["username"] == new
    # The name it was given (and asked for) is no new name: no new identity.
    before = ana.wait_for("user:session", lambda d: d["username"] == new)
    assert ana.call("joinEvent", {"username": new, "eventId": eid})["ok"]
    settle()
    assert ana.received("user:session")[-1] == before


def test_an_identity_from_a_token_is_not_renamed_by_join_event(connect, unique):
    ana = logged_in(connect, unique("ana"))
    tab = second_tab(connect, ana)
    ack = tab.call("joinEvent", {"username": unique("someone"), "eventId": unique("ev")})
    assert ack["ok"] and ack["user"] == ana.user["username"], ack


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
