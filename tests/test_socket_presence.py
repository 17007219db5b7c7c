"""Who hears presence (docs/protocol.md, "Who hears presence"): old clients keep what the old
server sent them (user:offline and user:status:update for everyone) and are not sent our
user:online; a socket that sends presence:watch hears only the users it watches."""
from __future__ import annotations

from tests.e2e_support import assert_refused, login, uid
from tests.helpers import settle


def test_an_old_client_hears_offline_and_status_for_everyone_but_no_online(connect, unique):
    old = login(connect, unique("old"))
    ana = login(connect, unique("ana"))
    assert ana.call("user:status", {"status": "busy"})["ok"]
    status = old.wait_for("user:status:update", lambda d: d["userId"] == uid(ana))
    assert status["status"] == "busy"
    ana_id = uid(ana)
    ana.close()
    old.wait_for("user:offline", lambda d: d["userId"] == ana_id)
    # A login is no broadcast: the old server never sent one, and N logins to N old clients
    # would cost N^2 frames.
    assert old.received("user:online") == []


def test_a_watcher_hears_the_users_it_watches_and_nobody_else(connect, unique):
    watcher = connect()
    watcher.login(unique("w"))
    ana = login(connect, unique("ana"))
    ack = watcher.call("presence:watch", {"userIds": [uid(ana)]})
    assert ack == {"ok": True, "everyone": False, "watching": 1}
    ben = login(connect, unique("ben"))
    tab = connect()  # ana's second tab is no new arrival; her last tab's close is a departure
    assert tab.call("user:login", {"token": ana.token})["ok"]
    ana_id, ben_id = uid(ana), uid(ben)
    assert ben.call("user:status", {"status": "away"})["ok"]
    assert ana.call("user:status", {"status": "here"})["ok"]
    watcher.wait_for("user:status:update", lambda d: d["userId"] == ana_id)
    ben.close()
    ana.close()
    tab.close()
    watcher.wait_for("user:offline", lambda d: d["userId"] == ana_id)
    settle()
    assert watcher.received("user:status:update", lambda d: d["userId"] == ben_id) == []
    assert watcher.received("user:offline", lambda d: d["userId"] == ben_id) == []
    assert len(watcher.received("user:offline", lambda d: d["userId"] == ana_id)) == 1

    back = connect()
    assert back.call("user:login", {"token": ana.token})["ok"]
    other = connect()
    assert other.call("user:login", {"token": ben.token})["ok"]
    online = watcher.wait_for("user:online", lambda d: d["userId"] == ana_id)
    assert online["username"] == ana.user["username"]
    settle()
    assert watcher.received("user:online", lambda d: d["userId"] == ben_id) == []


def test_watching_everyone_hears_every_arrival_once_but_not_its_own(connect, unique):
    lobby = connect()
    lobby.login(unique("lobby"))
    assert lobby.call("presence:watch", {"everyone": True}) == {
        "ok": True, "everyone": True, "watching": 0}
    ana = login(connect, unique("ana"))
    got = lobby.wait_for("user:online", lambda d: d["userId"] == uid(ana))
    assert got["username"] == ana.user["username"]
    assert ana.call("user:status", {"status": "x"})["ok"]
    lobby.wait_for("user:status:update", lambda d: d["userId"] == uid(ana))
    settle()
    assert len(lobby.received("user:online", lambda d: d["userId"] == uid(ana))) == 1
    assert lobby.received("user:online", lambda d: d["userId"] == uid(lobby)) == []


def test_a_bad_watch_is_refused_and_changes_nothing(connect, unique):
    old = login(connect, unique("old"))
    for payload in ({"userIds": "1"}, {"userIds": [{}]}, {"everyone": "yes"},
                    {"userIds": [str(n) for n in range(1001)]}, "everyone"):
        assert_refused(old, "presence:watch", payload, code="invalid")
    ana = login(connect, unique("ana"))
    ana_id = uid(ana)
    ana.close()
    # Still an old client: it still hears departures.
    old.wait_for("user:offline", lambda d: d["userId"] == ana_id)
