"""A shutdown's hand-off: the presence of its sockets is parked for their sessions.

A client that resumes takes its presence over unannounced; one that does not is announced gone
once nobody has come back for ``HANDOFF_GRACE``; a guest who logs in again by name (a client
that cannot resume) gets the name back at once."""
from __future__ import annotations

from chatapp.actions.presence import do_park_sockets, do_reap_dead_processes
from chatapp.actions.recovery import do_resume_session
from chatapp.actions.recovery_sessions import do_start_session, persist_sessions
from chatapp.actions.rooms import do_join_room
from chatapp.actions.sessions import do_login
from chatapp.cluster import process_registry
from chatapp.cluster.jobs import dead_local_processes
from chatapp.cluster.process_registry import current_process_id, parked_processes_exist
from chatapp.extensions import db
from chatapp.models import Connection, RecoverySession, RoomPresence, ServerProcess, User
from chatapp.queries import presence as presence_queries
from chatapp.timeutil import utcnow
from tests.unit_support import bus, login, set_heartbeat_age  # noqa: F401

GRACE = 10


def park(bus, name: str, sid: str, pid: str):
    """``name`` in room 1 on ``sid``, whose process shut down and parked it."""
    user = login(bus, sid, name)
    do_start_session(sid, pid)
    do_join_room(sid, user.actor, 1)
    persist_sessions([sid])
    db.session.commit()
    do_park_sockets([sid])
    bus.clear()
    return user


def placeholder_of(sid: str) -> str:
    return db.session.get(Connection, sid).process_id


def heartbeat_age(process_id: str) -> float:
    db.session.expire_all()
    return (utcnow() - db.session.get(ServerProcess, process_id).heartbeat_at).total_seconds()


def test_a_parked_socket_is_taken_over_silently_when_its_session_resumes(bus, app):
    app.config["HANDOFF_GRACE"] = GRACE
    ana = park(bus, "ana", "sid-a", "pid-a")
    assert placeholder_of("sid-a") != current_process_id()
    assert presence_queries.user_is_online(ana.actor.user_id)  # nobody was told otherwise
    assert presence_queries.room_users_count(1) == 1

    resumed = do_resume_session("sid-a2", "pid-a")
    assert [room.id for room in resumed.rooms] == [1]
    assert bus.events() == []  # to everyone else nothing happened
    assert db.session.get(RoomPresence, ("sid-a2", 1)) is not None
    assert presence_queries.room_users_count(1) == 1


def test_parked_sockets_are_announced_gone_once_nobody_came_back_for_the_grace(bus, app):
    app.config["HANDOFF_GRACE"] = GRACE
    ana = park(bus, "ana", "sid-a", "pid-a")
    placeholder = placeholder_of("sid-a")

    set_heartbeat_age(placeholder, GRACE - 2)  # still within the grace: nothing happens
    assert do_reap_dead_processes(current_process_id()) == 0
    assert bus.events() == []
    assert parked_processes_exist()

    set_heartbeat_age(placeholder, GRACE + 1)  # well inside PRESENCE_TIMEOUT (30 s)
    assert do_reap_dead_processes(current_process_id()) == 1
    assert bus.events() == ["room:user:left", "rooms:update", "user:offline"]
    assert not presence_queries.user_is_online(ana.actor.user_id)
    assert not parked_processes_exist()


def test_each_client_coming_back_keeps_the_others_awaited(bus, app, monkeypatch):
    app.config["HANDOFF_GRACE"] = GRACE
    park(bus, "ana", "sid-a", "pid-a")
    ben = login(bus, "sid-b", "ben")
    do_start_session("sid-b", "pid-b")
    persist_sessions(["sid-b"])
    db.session.commit()
    # Both handed off by the same shutdown: the same placeholder.
    placeholder = placeholder_of("sid-a")
    db.session.query(Connection).filter_by(sid="sid-b").update({"process_id": placeholder})
    db.session.commit()
    set_heartbeat_age(placeholder, GRACE - 1)
    monkeypatch.setattr(process_registry, "_parked_refreshed", {})

    do_resume_session("sid-a2", "pid-a")
    assert heartbeat_age(placeholder) < 2  # ana came back: ben is given a fresh grace
    set_heartbeat_age(placeholder, GRACE - 1)
    assert do_reap_dead_processes(current_process_id()) == 0
    assert presence_queries.user_is_online(ben.actor.user_id)


def test_a_starting_process_gives_parked_sockets_a_fresh_grace(bus, app, monkeypatch):
    """A lone process's restart: its clients can only come back once the new one is up,
    however long the restart took."""
    app.config["HANDOFF_GRACE"] = GRACE
    park(bus, "ana", "sid-a", "pid-a")
    placeholder = placeholder_of("sid-a")
    set_heartbeat_age(placeholder, GRACE + 5)
    monkeypatch.setattr(process_registry, "_process_id", None)  # as a new process

    current_process_id()
    assert heartbeat_age(placeholder) < 2
    assert do_reap_dead_processes(current_process_id()) == 0


def test_a_guest_logging_in_again_by_name_gets_it_back_from_its_parked_socket(bus, app):
    """A client that cannot resume (python-socketio, socket.io-client before 4.6) comes back
    as a new socket and logs in by name, as an old page does: the name is not held against it
    for the grace, and its old socket is announced gone (the new one is a new guest)."""
    app.config["HANDOFF_GRACE"] = GRACE
    ana = park(bus, "Ana", "sid-a", "pid-a")

    again = login(bus, "sid-new", "ana")  # (login forgets what it emitted: see below)
    assert again.actor.username == "ana"
    assert again.actor.user_id != ana.actor.user_id
    assert db.session.get(Connection, "sid-a") is None
    assert presence_queries.room_users_count(1) == 0
    assert not presence_queries.user_is_online(ana.actor.user_id)
    # Nobody resumes as the old "ana" beside the new one later.
    assert db.session.get(RecoverySession, "pid-a") is None


def test_the_release_announces_the_old_socket_gone(bus, app):
    app.config["HANDOFF_GRACE"] = GRACE
    park(bus, "ana", "sid-a", "pid-a")
    do_login("sid-new", username="ana")
    events = bus.events()
    assert events.index("room:user:left") < events.index("user:session")
    assert "user:offline" in events


def test_a_name_someone_live_also_holds_stays_taken(bus, app):
    """Parked and live sockets of guests by that name: the live one keeps it, and the parked
    one keeps waiting for its client."""
    app.config["HANDOFF_GRACE"] = GRACE
    park(bus, "ana", "sid-a", "pid-a")
    live = login(bus, "sid-l", "ana-live")
    db.session.get(User, live.actor.user_id).username = "ANA"
    db.session.commit()

    again = login(bus, "sid-new", "ana")
    assert again.actor.username == "ana-2"
    assert db.session.get(Connection, "sid-a") is not None  # still parked


def test_a_parked_process_is_no_process_of_this_host(bus, app):
    """A restarting process clears its dead predecessors at once (same host, pid gone); the
    placeholder is nobody's predecessor, or its sockets would never be awaited."""
    app.config["HANDOFF_GRACE"] = GRACE
    park(bus, "ana", "sid-a", "pid-a")
    assert placeholder_of("sid-a") not in dead_local_processes()
    assert heartbeat_age(placeholder_of("sid-a")) < 2  # parked with a fresh grace


def test_only_the_name_asked_for_is_given_back(bus, app):
    """Someone asking for "ana", which a live guest holds, is suffixed: that does not take
    "ana-2" from a parked guest who may yet resume."""
    app.config["HANDOFF_GRACE"] = GRACE
    login(bus, "sid-l", "ana")
    park(bus, "ana-2", "sid-a", "pid-a")

    again = login(bus, "sid-new", "ana")
    assert again.actor.username == "ana-3"
    assert db.session.get(Connection, "sid-a") is not None  # still parked
