"""Unit tests of moderation actions: kicks and bans (the rest: test_actions_moderation.py).

Each test asserts exactly which events an action sends to whom, that refusals change and
send nothing, and what the moderation record holds."""
from __future__ import annotations

import pytest

from chatapp.actions.moderation import (
    do_ban,
    do_kick,
    do_unban,
)
from chatapp.actions.rooms import check_community_room, do_join_room
from chatapp.errors import Conflict, Forbidden, NotFound
from chatapp.extensions import db
from chatapp.models import RoomBan
from chatapp.security import authz
from tests.moderation_support import admin, cast, left, records, sockets_in, uid, who, wid  # noqa: F401
from tests.unit_support import NOW_Z, Emit, bus, fresh_scalar, login  # noqa: F401

# --- kicks and bans ------------------------------------------------------------------------

def test_a_kick_takes_every_socket_of_the_user_out_and_is_announced(bus, cast, left):
    do_kick(cast.mia.actor, cast.room, uid(cast.ana))
    assert sorted(left) == [("sid-a", cast.channel), ("sid-a2", cast.channel)]
    assert sockets_in(cast.rid) == {"sid-o", "sid-m"}
    kicked = {"roomId": cast.rid, "userId": wid(cast.ana), "username": "ana", "by": who(cast.mia)}
    assert bus.emits == [
        Emit("room:user:kicked", kicked, to=cast.channel),
        Emit("room:user:kicked", kicked, to=f"user:{uid(cast.ana)}"),
        Emit("room:user:left", {"roomId": cast.rid, "userId": wid(cast.ana), "timestamp": NOW_Z},
             to=cast.channel),
        Emit("rooms:update", {"id": cast.rid, "usersCount": 2}),
    ]
    assert records(cast.rid)[-1] == ("kick", uid(cast.mia), uid(cast.ana))
    do_join_room("sid-a", cast.ana.actor, cast.rid)  # a kick is not a ban


def test_kicking_someone_not_in_the_room_or_above_oneself_is_refused(bus, cast, left):
    with pytest.raises(NotFound):
        do_kick(cast.mia.actor, cast.room, uid(cast.ben))
    with pytest.raises(Forbidden):
        do_kick(cast.mia.actor, cast.room, uid(cast.olga))
    with pytest.raises(Forbidden):
        do_kick(cast.ana.actor, cast.room, uid(cast.mia))
    assert bus.emits == [] and left == [] and len(sockets_in(cast.rid)) == 4


def test_a_ban_is_stored_takes_the_user_out_and_keeps_them_out(bus, cast, left, app):
    seen: list[int] = []
    bus.on_emit = lambda emit: seen.append(fresh_scalar(app, "SELECT count(*) FROM room_bans"))
    do_ban(cast.mia.actor, cast.room, uid(cast.ana), "  spam ")
    assert seen and set(seen) == {1}  # committed before anything was announced
    banned = {"roomId": cast.rid, "userId": wid(cast.ana), "username": "ana", "by": who(cast.mia),
              "reason": "spam"}
    assert bus.emits[:2] == [Emit("room:user:banned", banned, to=cast.channel),
                             Emit("room:user:banned", banned, to=f"user:{uid(cast.ana)}")]
    assert bus.events()[2:] == ["room:user:left", "rooms:update"]
    # Out of the room, and no sidebar of theirs watches it any more (sidebar:watch).
    watching = f"activity:{cast.rid}"
    assert sorted(left) == [("sid-a", watching), ("sid-a", cast.channel), ("sid-a2", watching),
                            ("sid-a2", cast.channel)]
    assert records(cast.rid)[-1] == ("ban", uid(cast.mia), uid(cast.ana))
    bus.clear()

    db.session.remove()  # a fresh session: the ban is in the database, not in memory
    assert db.session.get(RoomBan, (cast.rid, uid(cast.ana))).reason == "spam"
    for attempt in (lambda: do_join_room("sid-a", cast.ana.actor, cast.rid),
                    lambda: check_community_room(cast.rid, cast.ana.actor)):
        with pytest.raises(authz.Banned) as refused:
            attempt()
        assert refused.value.code == "banned"
    assert bus.emits == []
    with pytest.raises(Conflict):
        do_ban(cast.olga.actor, cast.room, uid(cast.ana))


def test_unban_lets_the_user_back_in(bus, cast, left):
    do_ban(cast.mia.actor, cast.room, uid(cast.ana))
    bus.clear()
    do_unban(cast.mia.actor, cast.room, uid(cast.ana))
    unbanned = {"roomId": cast.rid, "userId": wid(cast.ana), "username": "ana"}
    assert bus.emits == [Emit("room:user:unbanned", unbanned, to=cast.channel),
                         Emit("room:user:unbanned", unbanned, to=f"user:{uid(cast.ana)}")]
    do_join_room("sid-a", cast.ana.actor, cast.rid)
    with pytest.raises(NotFound):
        do_unban(cast.mia.actor, cast.room, uid(cast.ana))


def test_banning_someone_absent_announces_only_the_ban(bus, cast, left):
    do_ban(cast.mia.actor, cast.room, uid(cast.ben))
    assert bus.events() == ["room:user:banned", "room:user:banned"]
    assert left == [("sid-b", f"activity:{cast.rid}")]  # his sidebars stop watching it


def test_a_banned_moderator_loses_the_role(bus, cast, left):
    do_ban(cast.olga.actor, cast.room, uid(cast.mia))
    assert authz.room_role(cast.mia.actor, cast.room) == "none"
    with pytest.raises(Forbidden):
        do_ban(cast.mia.actor, cast.room, uid(cast.ana))
