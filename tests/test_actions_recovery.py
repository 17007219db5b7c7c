"""Unit tests of connection state recovery's database side: the event log and its offsets,
the replay, session snapshots, resuming (taken over or restored) and pruning."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from chatapp.actions.presence import do_remove_socket
from chatapp.actions.recovery import do_resume_session
from chatapp.actions.recovery_sessions import (
    do_prune_recovery,
    do_start_session,
    persist_sessions,
)
from chatapp.actions.rooms import do_join_room
from chatapp.extensions import db
from chatapp.models import Connection, RecoveryEvent, RecoverySession, RoomPresence, User
from chatapp.realtime import recovery_log
from chatapp.timeutil import utcnow
from tests.unit_support import bus, login, wire  # noqa: F401


def logged(event, data, *, to=None, skip_sid=None) -> list:
    """What ``send_logged`` hands the emitter."""
    out = []
    recovery_log.send_logged(event, data, to, skip_sid, out.append)
    return out


def test_each_event_gets_the_next_offset_as_trailing_argument(bus):
    first = logged("rooms:update", {"id": 1, "usersCount": 2})
    second = logged("room:message:new", {"roomId": 1, "message": {}}, to="room:1")
    (data1, offset1), (_, offset2) = first[0], second[0]
    assert data1 == {"id": 1, "usersCount": 2}
    assert int(offset2) > int(offset1)
    row = db.session.get(RecoveryEvent, int(offset2))
    assert (row.channel, row.event, json.loads(row.data)) == (
        "room:1", "room:message:new", {"roomId": 1, "message": {}})


def test_volatile_events_are_neither_logged_nor_numbered(bus):
    assert logged("user:typing", {"roomId": 1}) == [{"roomId": 1}]
    assert db.session.scalar(select(func.count()).select_from(RecoveryEvent)) == 0


def test_recovery_off_sends_events_as_they_are(bus, app):
    app.config["CONNECTION_STATE_RECOVERY"] = False
    assert logged("rooms:update", {"id": 1}) == [{"id": 1}]


def test_an_event_to_one_socket_is_logged_for_its_session(bus):
    recovery_log.register_socket("sid-a", "pid-a")
    try:
        logged("user:session", {"username": "ana"}, to="sid-a")
        logged("user:online", {"userId": "1"}, skip_sid="sid-a")
        rows = db.session.execute(select(RecoveryEvent.channel, RecoveryEvent.skip_session)
                                  .order_by(RecoveryEvent.id)).all()
        assert rows == [("session:pid-a", None), (None, "pid-a")]
    finally:
        recovery_log.forget_socket("sid-a")


def test_replay_sends_what_the_session_missed_in_order_and_holds_the_rest(bus):
    recovery_log.register_socket("sid-a", "pid-a")
    try:
        start = recovery_log.last_offset()
        logged("room:message:new", {"n": 1}, to="room:1")
        logged("room:message:new", {"n": 2}, to="room:2")  # not one of its rooms
        logged("rooms:update", {"n": 3})
        logged("user:online", {"n": 4}, skip_sid="sid-a")  # left out of it
        logged("user:session", {"n": 5}, to="sid-a")
        recovery_log.hold("sid-b")
        sent = []
        count = recovery_log.replay("sid-b", "pid-a", start, ["room:1", "user:7"],
                                    lambda event, data, offset: sent.append((event, data)))
        assert count == 3
        assert sent == [("room:message:new", {"n": 1}), ("rooms:update", {"n": 3}),
                        ("user:session", {"n": 5})]
        end = recovery_log.last_offset()
        # Live copies of what the replay covered are dropped for it; newer ones go through.
        assert recovery_log.skipped_sids(({"n": 1}, str(end))) == ["sid-b"]
        assert recovery_log.skipped_sids(({"n": 6}, str(end + 1))) == []
    finally:
        recovery_log.forget_socket("sid-a")
        recovery_log.forget_socket("sid-b")


def test_a_held_socket_gets_no_live_event_until_its_replay(bus):
    recovery_log.hold("sid-h")
    try:
        assert recovery_log.skipped_sids(({"x": 1}, "999999")) == ["sid-h"]
        assert recovery_log.skipped_sids({"volatile": True}) == []
    finally:
        recovery_log.forget_socket("sid-h")


def test_restored_session_is_announced_and_in_its_rooms_again(bus):
    ana = login(bus, "sid-a", "ana")
    do_start_session("sid-a", "pid-a")
    do_join_room("sid-a", ana.actor, 1)
    persist_sessions(["sid-a"])
    db.session.commit()
    do_remove_socket("sid-a")
    bus.clear()

    resumed = do_resume_session("sid-a2", "pid-a")
    assert resumed.actor.user_id == ana.actor.user_id
    assert [room.id for room in resumed.rooms] == [1]
    assert db.session.get(RoomPresence, ("sid-a2", 1)) is not None
    assert bus.events() == ["user:online", "room:user:joined", "rooms:update"]
    assert ("sid-a2", "room:1") in bus.subscribed
    session = db.session.get(RecoverySession, "pid-a")
    assert (session.sid, session.disconnected_at) == ("sid-a2", None)


def test_a_guest_whose_name_was_taken_meanwhile_comes_back_under_a_free_one(bus):
    ana = login(bus, "sid-a", "ana")
    do_start_session("sid-a", "pid-a")
    persist_sessions(["sid-a"])
    db.session.commit()
    do_remove_socket("sid-a")
    other = login(bus, "sid-b", "Ana")  # free while she was away: another guest takes it
    assert (other.actor.username, other.actor.user_id != ana.actor.user_id) == ("Ana", True)

    resumed = do_resume_session("sid-a2", "pid-a")
    assert (resumed.actor.user_id, resumed.actor.username) == (ana.actor.user_id, "ana-2")
    assert db.session.get(User, ana.actor.user_id).username == "ana-2"
    told, online = bus.emits
    assert (told.event, told.to, told.data["username"]) == ("user:session", "sid-a2", "ana-2")
    assert told.data["token"]  # a credential for who she is now
    assert (online.event, online.data["username"]) == ("user:online", "ana-2")


def test_a_guest_keeps_its_name_when_nobody_else_took_it(bus):
    ana = login(bus, "sid-a", "ana")
    do_start_session("sid-a", "pid-a")
    persist_sessions(["sid-a"])
    db.session.commit()
    do_remove_socket("sid-a")
    bus.clear()
    assert do_resume_session("sid-a2", "pid-a").actor.username == "ana"
    assert bus.events() == ["user:online"]


def test_a_session_ended_since_its_handshake_resumes_nobody(bus):
    # e.g. a parked guest's session, ended when someone asked for its name in between
    assert do_resume_session("sid-x", "pid-ended").actor is None


def test_a_banned_user_does_not_get_the_room_back(bus):
    ana = login(bus, "sid-a", "ana")
    do_start_session("sid-a", "pid-a")
    do_join_room("sid-a", ana.actor, 1)
    persist_sessions(["sid-a"])
    db.session.commit()
    do_remove_socket("sid-a")
    from chatapp.models import RoomBan
    db.session.add(RoomBan(room_id=1, user_id=ana.actor.user_id))
    db.session.commit()
    assert do_resume_session("sid-a2", "pid-a").rooms == []


def test_a_socket_whose_process_died_is_taken_over_silently(bus):
    ana = login(bus, "sid-a", "ana")
    do_start_session("sid-a", "pid-a")
    do_join_room("sid-a", ana.actor, 1)
    bus.clear()  # no disconnect ran: the old process was killed

    resumed = do_resume_session("sid-a2", "pid-a")
    assert [room.id for room in resumed.rooms] == [1]
    assert bus.events() == []  # to everyone else nothing happened
    assert db.session.get(Connection, "sid-a") is None
    assert db.session.get(Connection, "sid-a2").user_id == ana.actor.user_id
    assert db.session.get(RoomPresence, ("sid-a2", 1)) is not None


def test_prune_drops_old_events_and_sessions_but_never_the_newest_offset(bus, app):
    app.config["RECOVERY_WINDOW"] = 60
    for n in range(3):
        logged("rooms:update", {"n": n})
    newest = recovery_log.last_offset()
    db.session.execute(update(RecoveryEvent).values(created_at=utcnow() - timedelta(hours=1)))
    do_start_session("sid-old", "pid-old")
    do_start_session("sid-new", "pid-new")
    db.session.execute(update(RecoverySession).where(RecoverySession.pid == "pid-old").values(
        disconnected_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()

    do_prune_recovery()
    assert db.session.scalars(select(RecoveryEvent.id)).all() == [newest]
    assert db.session.scalars(select(RecoverySession.pid)).all() == ["pid-new"]
    logged("rooms:update", {"n": 4})
    assert recovery_log.last_offset() > newest  # offsets never start again


def test_a_new_session_starts_at_the_logs_end_and_a_first_one_at_zero(bus):
    """A client that resumes without an offset (it got no event yet) is replayed from where
    its session began: not from before it (it would get what it never was sent)."""
    do_start_session("sid-first", "pid-first")
    assert db.session.get(RecoverySession, "pid-first").start_offset == 0
    logged("rooms:update", {"id": 1})
    last = int(logged("rooms:update", {"id": 2})[0][1])
    do_start_session("sid-later", "pid-later")
    assert db.session.get(RecoverySession, "pid-later").start_offset == last
