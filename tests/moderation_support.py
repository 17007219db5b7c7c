"""Shared set-up for the unit tests of moderation and membership: a room with an owner, a
moderator and a member in it, on top of the ``bus`` recorder of :mod:`tests.unit_support`.

Test modules import the fixtures: ``from tests.moderation_support import bus, left, cast``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from chatapp.actions.membership import do_appoint_moderator
from chatapp.actions.rooms import do_create_room, do_join_room
from chatapp.actions.sessions import LoginResult
from chatapp.extensions import db
from chatapp.models import ModerationRecord, Room, RoomPresence
from chatapp.realtime import broadcast
from chatapp.security.identity import Actor
from chatapp.serializers import wire_user_id
from tests.unit_support import bus, login  # noqa: F401


@dataclass
class Cast:
    """Olga owns the room, Mia moderates it, Ana is in it (two tabs: sid-a, sid-a2), Ben is
    logged in elsewhere. ``rid`` is the room's id."""

    olga: LoginResult
    mia: LoginResult
    ana: LoginResult
    ben: LoginResult
    room: Room
    rid: int

    @property
    def channel(self) -> str:
        return f"room:{self.rid}"


@pytest.fixture
def left(bus, monkeypatch) -> list[tuple[str, str]]:
    """Records ``broadcast.leave_channel_anywhere`` (the socket server is not running)."""
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(broadcast, "leave_channel_anywhere",
                        lambda sid, channel: calls.append((sid, channel)))
    return calls


def make_cast(bus, *, private: bool = False) -> Cast:
    olga = login(bus, "sid-o", "olga")
    room = do_create_room("sid-o", olga.actor, {"name": "Chess", "isPrivate": private})
    mia, ana, ben = login(bus, "sid-m", "mia"), login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    login(bus, "sid-a2", token=ana.token)
    do_appoint_moderator(olga.actor, room, mia.actor.user_id)
    if not private:
        for sid, who in (("sid-m", mia), ("sid-a", ana), ("sid-a2", ana)):
            do_join_room(sid, who.actor, room.id)
    bus.clear()
    return Cast(olga, mia, ana, ben, room, room.id)


@pytest.fixture
def cast(bus, left) -> Cast:
    return make_cast(bus)


def admin(bus, sid: str = "sid-x", name: str = "boss") -> Actor:
    """A site admin (an account flag; a guest made one for the test)."""
    result = login(bus, sid, name)
    db.session.execute(sa.text("UPDATE users SET is_admin = :t WHERE id = :id"),
                       {"t": True, "id": result.actor.user_id})
    db.session.commit()
    bus.clear()
    return Actor(result.actor.user_id, name, None, True, is_admin=True)


def sockets_in(room_id: int) -> set[str]:
    return set(db.session.scalars(sa.select(RoomPresence.sid).where(RoomPresence.room_id == room_id)))


def records(room_id: int) -> list[tuple[str, int, int | None]]:
    """``(action, actor_id, target_user_id)`` of the room's record, oldest first."""
    return [(r.action, r.actor_id, r.target_user_id) for r in db.session.scalars(
        sa.select(ModerationRecord).where(ModerationRecord.room_id == room_id)
        .order_by(ModerationRecord.id))]


def uid(result: LoginResult) -> int:
    """The database id (what actions take)."""
    return result.actor.user_id


def wid(result: LoginResult) -> str:
    """The wire id (what payloads carry)."""
    return wire_user_id(result.actor)


def who(result: LoginResult) -> dict:
    return {"userId": wid(result), "username": result.actor.username,
            "avatar": result.actor.avatar, "displayName": result.actor.display_name,
            "isGuest": result.actor.is_guest}
