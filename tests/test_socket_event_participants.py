"""How an event's audience hears arrivals and departures: each one with the whole list
(``userJoined`` / ``userLeft``, the old protocol, still the default) or batched
(``joinEvent {participantUpdates: "batched"}``: ``participantsChanged`` about once a second),
and the lobby's ``events:update`` coalesced (chatapp/realtime/event_participants.py)."""
from __future__ import annotations

import time

from tests.event_support import assert_refused, join_event, second_tab
from tests.helpers import ChatClient, settle
from tests.test_socket_recovery import cut_off, link  # noqa: F401 - link is a fixture

FLUSH = 1.0  # PARTICIPANT_FLUSH_SECONDS's default, which the test server runs with


def join_batched(client, event_id: str, username: str) -> dict:
    """Log in as a new guest, then join as our pages do."""
    client.login(username)
    seen = len(client.received("eventHistory"))
    ack = client.call("joinEvent", {"eventId": event_id, "participantUpdates": "batched"})
    assert ack["ok"], ack
    client.wait_for("eventHistory", count=seen + 1)
    return ack


def changes_of(client, event_id: str) -> list[dict]:
    return client.received("participantsChanged", lambda p: p["eventId"] == event_id)


def net_participants(client, event_id: str) -> set[str]:
    """The list a page keeps: its eventHistory's, with every batched change applied."""
    names = set(client.received("eventHistory")[-1]["participants"])
    for change in changes_of(client, event_id):
        names = (names - set(change["left"])) | set(change["joined"])
    return names


def test_a_batched_socket_hears_changes_once_a_second_not_each_arrival(connect, unique):
    eid = unique("ev")
    page, old = connect(), connect()
    join_batched(page, eid, unique("page"))
    join_event(old, eid, unique("old"))
    crowd = [connect() for _ in range(6)]
    names = [unique("fan") for _ in crowd]
    started = time.monotonic()
    for client, name in zip(crowd, names):
        join_event(client, eid, name)
    crowd[0].call("leaveEvent")
    expected = {page.user["username"], old.user["username"], *names[1:]}
    deadline = time.monotonic() + 10
    while net_participants(page, eid) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    settle(FLUSH + 0.3)
    elapsed = time.monotonic() - started
    # The old client heard each arrival (7: the old-style joiner saw its own and six more),
    # with the whole list each time; the page heard a few batches instead.
    assert len(old.received("userJoined")) == 7
    assert old.received("userJoined")[-1]["participants"][-1] == names[-1]
    assert old.received("userLeft")[-1]["user"] == names[0]
    assert page.received("userJoined") == [] and page.received("userLeft") == []
    batches = changes_of(page, eid)
    assert 1 <= len(batches) <= elapsed / FLUSH + 2, batches
    assert net_participants(page, eid) == expected
    assert batches[-1]["count"] == len(expected)
    # Someone who came and went inside one window is in neither list of that window.
    for batch in batches:
        assert not set(batch["joined"]) & set(batch["left"]), batch


def test_a_reload_inside_one_window_changes_nothing(connect, unique):
    eid = unique("ev")
    page, ana = connect(), connect()
    join_batched(page, eid, unique("page"))
    join_event(ana, eid, unique("ana"))
    page.wait_for("participantsChanged", lambda p: ana.user["username"] in p["joined"])
    before = len(changes_of(page, eid))
    tab = second_tab(connect, ana)
    ana.call("leaveEvent")  # her other tab arrives as this one goes: she never left
    join_event(tab, eid)
    settle(FLUSH + 0.5)
    for batch in changes_of(page, eid)[before:]:
        assert ana.user["username"] not in batch["left"] + batch["joined"], batch
    assert ana.user["username"] in net_participants(page, eid)


def test_the_lobby_hears_a_burst_of_joins_as_a_few_updates(connect, unique):
    eid = unique("ev")
    host, lobby = connect(), connect()
    join_event(host, eid, unique("host"))
    lobby.wait_for("events:update", lambda s: s["id"] == eid and s["viewers"] == 1)
    before = len(lobby.received("events:update", lambda s: s["id"] == eid))
    started = time.monotonic()
    for _ in range(8):
        join_event(connect(), eid, unique("fan"))
    last = lobby.wait_for("events:update", lambda s: s["id"] == eid and s["viewers"] == 9)
    elapsed = time.monotonic() - started
    updates = lobby.received("events:update", lambda s: s["id"] == eid)[before:]
    assert len(updates) <= elapsed / FLUSH + 2, [u["viewers"] for u in updates]
    assert (last["participantCount"], last["peakViewers"], last["uniqueViewers"]) == (9, 9, 9)


def test_an_unknown_mode_is_refused_and_changes_nothing(connect, unique):
    eid = unique("ev")
    ana = connect()
    ana.login(unique("ana"))
    assert_refused(ana, "joinEvent", {"eventId": eid, "participantUpdates": "all"},
                   code="invalid")
    assert ana.received("eventHistory") == []
    assert ana.call("sendMessage", "hello")["error"]["code"] == "not_member"


def test_a_kicked_old_client_hears_no_more_arrivals(connect, unique):
    eid = unique("ev")
    host, ana = connect(), connect()
    join_event(host, eid, unique("host"))  # the first to join an ad-hoc event hosts it
    join_event(ana, eid, unique("ana"))
    ack = host.call("kickUser", {"eventId": eid, "username": ana.user["username"]})
    assert ack["ok"], ack
    ana.wait_for("userKicked")
    heard = len(ana.received("userJoined"))
    join_event(connect(), eid, unique("ben"))
    host.wait_for("userJoined", lambda p: p["user"].startswith("ben"))
    settle(FLUSH + 0.3)
    assert len(ana.received("userJoined")) == heard
    assert changes_of(ana, eid) == []


def test_each_socket_resumes_hearing_arrivals_as_it_asked(server, link, connect, unique):  # noqa: F811
    """Across a link cut (connection state recovery) a batched socket gets the batch it
    missed and stays batched; an old client gets the arrival it missed and still hears each."""
    eid = unique("ev")
    page, old = ChatClient(link.url), ChatClient(link.url)
    join_batched(page, eid, unique("page"))
    join_event(old, eid, unique("old"))
    page.wait_for("participantsChanged", lambda p: old.user["username"] in p["joined"])
    cuts = [cut_off(client, link) for client in (page, old)]
    ana = connect()
    join_event(ana, eid, unique("ana"))
    settle(FLUSH + 0.3)  # ana's arrival is flushed while they are away
    page_again, old_again = (ChatClient(link.url, auth={"pid": pid, "offset": offset})
                             for pid, offset in cuts)
    try:
        page_again.wait_for("participantsChanged", lambda p: ana.user["username"] in p["joined"])
        old_again.wait_for("userJoined", lambda p: p["user"] == ana.user["username"])
        join_event(connect(), eid, unique("ben"))
        old_again.wait_for("userJoined", lambda p: p["user"].startswith("ben"))
        page_again.wait_for("participantsChanged",
                            lambda p: any(n.startswith("ben") for n in p["joined"]))
        assert page_again.received("userJoined") == []
    finally:
        for client in (page_again, old_again, page, old):
            client.close()


def test_an_audience_by_name_is_not_told_who_went_offline(connect, unique):
    """user:offline is the community protocol's, sent to all its clients; a live-event
    client (a guest by name through joinEvent) never got it from the old server, and an
    audience of N leaving would cost N^2 frames."""
    eid = unique("ev")
    viewer, community, leaver = connect(), connect(), connect()
    join_event(viewer, eid, unique("viewer"))
    community.login(unique("cat"))
    leaver.login(unique("leo"))
    leaver_id = leaver.user["userId"]
    leaver.close()
    community.wait_for("user:offline", lambda d: d["userId"] == leaver_id)
    settle()
    assert viewer.received("user:offline") == []
