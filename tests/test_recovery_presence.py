"""Connection state recovery meets scoped presence: an event sent to a list of channels (a
user's presence goes to ``presence:legacy``, ``presence:all`` and ``presence:user:<id>``) is
logged once, with one offset, and replayed to a resuming socket that was in any of them,
once; a socket keeps what it watched (``presence:watch``) across the reconnect."""
from __future__ import annotations

from tests.e2e_support import login, uid
from tests.helpers import ChatClient, settle
from tests.test_socket_recovery import cut_off, link  # noqa: F401 - link is a fixture


def test_a_watcher_resumes_with_what_it_missed_of_whom_it_watches(server, link, connect,  # noqa: F811
                                                                   unique):
    watcher = ChatClient(link.url)
    watcher.login(unique("w"))
    ana = login(connect, unique("ana"))
    ben = login(connect, unique("ben"))
    ana_id = uid(ana)
    assert watcher.call("presence:watch", {"userIds": [ana_id]})["ok"]

    pid, offset = cut_off(watcher, link)
    assert ana.call("user:status", {"status": "busy"})["ok"]
    assert ben.call("user:status", {"status": "away"})["ok"]  # not watched
    ana.close()

    again = ChatClient(link.url, auth={"pid": pid, "offset": offset})
    try:
        assert again.pid == pid
        again.wait_for("user:offline", lambda d: d["userId"] == ana_id)
        statuses = again.received("user:status:update")
        assert [(s["userId"], s["status"]) for s in statuses] == [(ana_id, "busy")]
        # Still watching ana only, live: ben's news does not reach it, carl's neither.
        assert ben.call("user:status", {"status": "back"})["ok"]
        carl = login(connect, unique("carl"))
        assert carl.call("user:status", {"status": "hi"})["ok"]
        settle()
        assert [s["userId"] for s in again.received("user:status:update")] == [ana_id]
        assert len(again.received("user:offline", lambda d: d["userId"] == ana_id)) == 1
        carl.close()
    finally:
        again.close()
        watcher.close()
        ben.close()


def test_an_old_client_resumes_with_the_departures_it_missed(server, link, connect,  # noqa: F811
                                                              unique):
    old = ChatClient(link.url)  # never sends presence:watch: hears everyone, as before
    old.login(unique("old"))
    ana = login(connect, unique("ana"))
    ana_id = uid(ana)
    pid, offset = cut_off(old, link)
    ana.close()
    again = ChatClient(link.url, auth={"pid": pid, "offset": offset})
    try:
        assert again.pid == pid
        again.wait_for("user:offline", lambda d: d["userId"] == ana_id)
        settle()
        assert len(again.received("user:offline", lambda d: d["userId"] == ana_id)) == 1
        assert again.received("user:online") == []  # old clients are not sent it
    finally:
        again.close()
        old.close()
