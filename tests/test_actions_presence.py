"""Unit tests of the end of a socket: a disconnect, and the sockets of a dead process."""
from __future__ import annotations

from chatapp.actions.presence import do_reap_dead_processes, do_remove_socket
from chatapp.actions.rooms import do_join_room
from chatapp.cluster.process_registry import current_process_id
from chatapp.extensions import db
from chatapp.models import Connection, RoomPresence, ServerProcess
from tests.unit_support import (  # noqa: F401
    NOW_Z,
    Emit,
    add_process,
    as_process,
    bus,
    count,
    login,
    set_heartbeat_age,
    wire,
)

# --- do_remove_socket --------------------------------------------------------------------

def test_last_socket_leaves_its_rooms_and_goes_offline(bus):
    ana = login(bus, "sid-a", "ana")
    ben = login(bus, "sid-b", "ben")
    for room_id in (2, 1):
        do_join_room("sid-a", ana.actor, room_id)
    do_join_room("sid-b", ben.actor, 1)
    bus.clear()

    do_remove_socket("sid-a")
    a = wire(ana)
    assert len(bus.emits) == 5
    # The rooms may be announced in any order, each as "left" followed by its new count.
    pairs = sorted([bus.emits[0:2], bus.emits[2:4]], key=lambda pair: pair[0].data["roomId"])
    assert pairs == [
        [Emit("room:user:left", {"roomId": 1, "userId": a, "timestamp": NOW_Z}, to="room:1"),
         Emit("rooms:update", {"id": 1, "usersCount": 1})],
        [Emit("room:user:left", {"roomId": 2, "userId": a, "timestamp": NOW_Z}, to="room:2"),
         Emit("rooms:update", {"id": 2, "usersCount": 0})],
    ]
    assert bus.emits[4] == Emit("user:offline", {"userId": a}, to=["presence:legacy", "presence:all", f"presence:user:{a}"])
    assert db.session.get(Connection, "sid-a") is None
    assert count(RoomPresence) == 1


def test_other_socket_in_the_room_keeps_the_user_there_and_online(bus):
    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-a2", token=ana.token)
    do_join_room("sid-a", ana.actor, 1)
    do_join_room("sid-a2", ana.actor, 1)
    bus.clear()

    do_remove_socket("sid-a")
    assert bus.emits == [Emit("rooms:update", {"id": 1, "usersCount": 1})]


def test_other_socket_outside_the_room_keeps_the_user_online(bus):
    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-a2", token=ana.token)
    do_join_room("sid-a", ana.actor, 1)
    bus.clear()

    do_remove_socket("sid-a")
    assert bus.emits == [
        Emit("room:user:left", {"roomId": 1, "userId": wire(ana), "timestamp": NOW_Z},
             to="room:1"),
        Emit("rooms:update", {"id": 1, "usersCount": 0}),
    ]


def test_removing_an_unknown_socket_does_nothing(bus):
    login(bus, "sid-a", "ana")
    do_remove_socket("sid-unknown")
    assert bus.emits == [] and count(Connection) == 1


# --- do_reap_dead_processes --------------------------------------------------------------

def test_sockets_of_a_dead_process_are_announced_like_disconnects(bus, monkeypatch):
    me = current_process_id()
    dead, fresh = add_process("dead"), add_process("fresh")
    ana = login(bus, "sid-a", "ana")  # on this process
    do_join_room("sid-a", ana.actor, 1)
    as_process(monkeypatch, dead)
    ben = login(bus, "sid-b", "ben")
    do_join_room("sid-b", ben.actor, 1)
    as_process(monkeypatch, fresh)
    cy = login(bus, "sid-c", "cy")
    do_join_room("sid-c", cy.actor, 1)
    as_process(monkeypatch, me)
    set_heartbeat_age(dead, 3600)
    bus.clear()

    assert do_reap_dead_processes(me) == 1
    b = wire(ben)
    assert bus.emits == [
        Emit("room:user:left", {"roomId": 1, "userId": b, "timestamp": NOW_Z}, to="room:1"),
        Emit("rooms:update", {"id": 1, "usersCount": 2}),
        Emit("user:offline", {"userId": b}, to=["presence:legacy", "presence:all", f"presence:user:{b}"]),
    ]
    assert db.session.get(ServerProcess, dead) is None
    assert db.session.get(Connection, "sid-b") is None
    assert {c.sid for c in db.session.scalars(db.select(Connection))} == {"sid-a", "sid-c"}

    bus.clear()
    assert do_reap_dead_processes(me) == 0
    assert do_reap_dead_processes("another-survivor") == 0
    assert bus.emits == []


def test_a_process_already_claimed_by_another_survivor_is_left_alone(bus, monkeypatch):
    me = current_process_id()
    dead = add_process("dead")
    as_process(monkeypatch, dead)
    login(bus, "sid-b", "ben")
    as_process(monkeypatch, me)
    set_heartbeat_age(dead, 3600)
    db.session.get(ServerProcess, dead).reaped_by = "someone-else"
    db.session.commit()

    assert do_reap_dead_processes(me) == 0
    assert bus.emits == [] and db.session.get(Connection, "sid-b") is not None


def test_process_named_dead_is_reaped_even_with_a_fresh_heartbeat(bus, monkeypatch):
    me = current_process_id()
    dead = add_process("restarted")
    as_process(monkeypatch, dead)
    ben = login(bus, "sid-b", "ben")
    as_process(monkeypatch, me)

    assert do_reap_dead_processes(me, also_dead=[dead]) == 1
    b = wire(ben)
    assert bus.emits == [Emit("user:offline", {"userId": b}, to=["presence:legacy", "presence:all", f"presence:user:{b}"])]


def test_user_with_two_sockets_on_a_dead_process_is_announced_once(bus, monkeypatch):
    me = current_process_id()
    dead = add_process("dead")
    as_process(monkeypatch, dead)
    ben = login(bus, "sid-b1", "ben")
    login(bus, "sid-b2", token=ben.token)
    do_join_room("sid-b1", ben.actor, 1)
    do_join_room("sid-b2", ben.actor, 1)
    as_process(monkeypatch, me)
    set_heartbeat_age(dead, 3600)
    bus.clear()

    assert do_reap_dead_processes(me) == 2
    assert bus.events().count("room:user:left") == 1
    assert bus.events().count("user:offline") == 1
