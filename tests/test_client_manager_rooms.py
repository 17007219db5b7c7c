"""The client manager's per-socket room index (chatapp/realtime/client_manager.IndexedRooms)
keeps python-socketio's behaviour: the same random connects, joins, leaves, room closings and
disconnects leave the stock manager and ours with the same rooms, the same answer to
``get_rooms`` and the same pending states."""
from __future__ import annotations

import itertools
import random

import socketio

from chatapp.realtime.client_manager import IndexedRooms


class StandInServer:
    """What a manager asks of its server: fresh ids (the same sequence for both managers)."""

    packet_class = socketio.packet.Packet

    def __init__(self) -> None:
        ids = itertools.count(1)
        self.eio = type("Eio", (), {"generate_id": staticmethod(lambda: f"s{next(ids)}")})()


def manager(cls):
    made = cls()
    made.set_server(StandInServer())
    return made


def same_state(stock, ours, sids) -> None:
    assert stock.rooms == ours.rooms
    assert (stock.pending_connect, stock.pending_disconnect, stock.callbacks) == (
        ours.pending_connect, ours.pending_disconnect, ours.callbacks)
    for namespace in ("/", "/other"):
        for sid in sids:
            assert sorted(stock.get_rooms(sid, namespace), key=str) == sorted(
                ours.get_rooms(sid, namespace), key=str)


def test_the_indexed_manager_keeps_the_stock_managers_rooms():
    rng = random.Random(12)
    stock, ours = manager(socketio.Manager), manager(IndexedRooms)
    sids: list[tuple[str, str]] = []
    eio_ids = itertools.count(1)
    for step in range(3000):
        action = rng.random()
        if action < 0.15 or not sids:
            namespace, eio_sid = rng.choice(("/", "/other")), f"e{next(eio_ids)}"
            sid = stock.connect(eio_sid, namespace)
            assert ours.connect(eio_sid, namespace) == sid
            sids.append((sid, namespace))
            continue
        sid, namespace = rng.choice(sids)
        room = f"room{rng.randrange(12)}"
        if action < 0.55:
            for m in (stock, ours):
                m.enter_room(sid, namespace, room)
        elif action < 0.75:
            for m in (stock, ours):
                m.leave_room(sid, namespace, room)
        elif action < 0.8:
            for m in (stock, ours):
                m.close_room(room, namespace)
        elif action < 0.85:  # a pending callback is forgotten with its socket
            for m in (stock, ours):
                m.callbacks.setdefault(sid, {})[step] = print
        else:
            for m in (stock, ours):
                m.disconnect(sid, namespace)
            sids.remove((sid, namespace))
        same_state(stock, ours, [s for s, _ in sids])
    assert ours.rooms_of_sid.keys() == {(ns, sid) for sid, ns in sids} | {
        (ns, sid) for ns, rooms in ours.rooms.items() for members in rooms.values()
        for sid in members}
