"""With EVENTS_AUTO_CREATE=0 a joinEvent to an unknown id is refused; REST-created events work."""
from __future__ import annotations

import pytest

from tests.conftest import server_env
from tests.event_support import (api, assert_refused, create_event, join_event,
                                 register_account, say)
from tests.helpers import ServerProcess, settle


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """This module's own server process, started like the Procfile's web line."""
    proc = ServerProcess(server_env(tmp_path_factory.mktemp("server"), EVENTS_AUTO_CREATE="0"))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def test_unknown_event_is_not_found_and_the_socket_stays_anonymous(server, connect, unique):
    eid, ana = unique("ev"), connect()
    error = assert_refused(ana, "joinEvent", {"username": unique("ana"), "eventId": eid},
                           code="not_found")
    assert eid in error["message"]
    assert_refused(ana, "room:join", {"roomId": 1}, code="not_logged_in")
    settle()
    assert ana.received("user:session") == [] and ana.received("eventHistory") == []
    assert api(server, "GET", f"/api/events/{eid}").status_code == 404


def test_refused_join_creates_no_event_for_anyone(server, connect, unique):
    eid, ana, lobby = unique("ev"), connect(), connect()
    assert_refused(ana, "joinEvent", {"username": unique("ana"), "eventId": eid},
                   code="not_found")
    ids = [e["id"] for e in api(server, "GET", "/api/events", params={"status": "all"}).json()]
    assert eid not in ids
    settle()
    assert lobby.received("events:update") == [] and lobby.received("userJoined") == []


def test_event_created_over_rest_can_be_joined(server, connect, unique):
    host = register_account(server, unique("host"))
    eid = create_event(server, host, name="Planned", id=unique("rest"))["id"]
    ana, ben = connect(), connect()
    join_event(ana, eid, unique("ana"))
    join_event(ben, eid, unique("ben"))
    names = [ana.user["username"], ben.user["username"]]
    assert ana.wait_for("userJoined", lambda d: d["user"] == names[1])["participants"] == names
    message = say(ana, "hello planned event")
    assert ben.wait_for("newMessage") == message
    history = api(server, "GET", f"/api/events/{eid}/messages").json()["messages"]
    assert history == [message]
