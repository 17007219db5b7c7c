"""PROTOCOL.md section B, row by row, against the real server with several real clients (an
event's lifecycle and refusals: test_socket_live_event_lifecycle.py)."""
from __future__ import annotations

from tests.event_support import (
    api,
    assert_event_message,
    assert_event_times,
    assert_refused,
    is_int,
    join_event,
    logged_in,
    say,
    second_tab,
)
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
    # Made guests by joinEvent: like the old live-event server, no community room list
    # (it arrives before the login's other events, so it would be here by now).
    assert ana.received("rooms:list") == [] and ben.received("rooms:list") == []


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
    lobby = connect()  # a community client: hears user:offline (the audience does not)
    lobby.login(unique("cat"))
    old_id = ana.user["userId"]
    assert ana.call("leaveEvent")["ok"]
    ack = ana.call("joinEvent", {"username": new, "eventId": eid})
    assert ack["ok"] and ack["user"] == new, ack
    joined = ben.wait_for("userJoined", lambda d: d["user"] == new)
    assert old not in joined["participants"]
    lobby.wait_for("user:offline", lambda d: d["userId"] == old_id)  # with its only socket
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
