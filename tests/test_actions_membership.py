"""Unit tests of membership: appointing moderators, inviting into and removing from rooms."""
from __future__ import annotations

import pytest

from chatapp.actions.membership import (
    do_appoint_moderator,
    do_dismiss_moderator,
    do_invite_member,
    do_remove_member,
    do_set_member_role,
)
from chatapp.actions.moderation import do_ban, do_mute
from chatapp.actions.rooms import check_community_room, do_join_room
from chatapp.errors import Conflict, Forbidden, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import RoomMember
from chatapp.queries.rooms import community_rooms_with_counts
from chatapp.security import authz
from tests.moderation_support import (  # noqa: F401
    admin,
    cast,
    left,
    make_cast,
    records,
    sockets_in,
    uid,
    wid,
    who,
)
from tests.unit_support import NOW_Z, Emit, bus, login  # noqa: F401


def role_of(cast, result) -> str | None:
    membership = db.session.get(RoomMember, (cast.rid, uid(result)))
    return membership.role if membership else None


@pytest.fixture
def private(bus, left):
    return make_cast(bus, private=True)


# --- moderators ----------------------------------------------------------------------------

def test_the_owner_appoints_and_dismisses_moderators(bus, cast):
    assert do_appoint_moderator(cast.olga.actor, cast.room, uid(cast.ana)) is True
    payload = {"roomId": cast.rid, "userId": wid(cast.ana), "username": "ana"}
    assert bus.emits == [Emit("room:moderator", {**payload, "isModerator": True},
                              to=cast.channel)]
    do_mute(cast.ana.actor, cast.room, uid(cast.ben), 60)  # Ana moderates now
    bus.clear()

    assert do_appoint_moderator(cast.olga.actor, cast.room, uid(cast.ana)) is False  # no change
    assert bus.emits == []
    assert do_dismiss_moderator(cast.olga.actor, cast.room, uid(cast.ana)) is True
    assert bus.emits == [Emit("room:moderator", {**payload, "isModerator": False},
                              to=cast.channel)]
    assert role_of(cast, cast.ana) == "member"
    with pytest.raises(Forbidden):
        do_mute(cast.ana.actor, cast.room, uid(cast.ben), 60)
    assert [r[0] for r in records(cast.rid)] == ["appoint_moderator", "appoint_moderator", "mute",
                                                 "dismiss_moderator"]


@pytest.mark.parametrize("actor", ["mia", "ana", "ben"])
def test_only_owners_appoint_moderators(bus, cast, actor):
    with pytest.raises(Forbidden):
        do_appoint_moderator(getattr(cast, actor).actor, cast.room, uid(cast.ben))
    assert bus.emits == [] and role_of(cast, cast.ben) is None


def test_the_owners_own_role_does_not_change(bus, cast):
    with pytest.raises(Forbidden):
        do_dismiss_moderator(cast.olga.actor, cast.room, uid(cast.olga))
    with pytest.raises(Forbidden):
        do_appoint_moderator(admin(bus), cast.room, uid(cast.olga))
    assert bus.emits == [] and role_of(cast, cast.olga) == "owner"


def test_a_banned_user_is_not_appointed_or_invited(bus, cast, left):
    do_ban(cast.mia.actor, cast.room, uid(cast.ben))
    bus.clear()
    for action in (do_appoint_moderator, do_invite_member):
        with pytest.raises(Conflict):
            action(cast.olga.actor, cast.room, uid(cast.ben))
    assert bus.emits == []


def test_set_member_role_appoints_dismisses_or_invites(bus, cast):
    assert do_set_member_role(cast.olga.actor, cast.room, uid(cast.ben), "moderator") == "moderator"
    assert role_of(cast, cast.ben) == "moderator"
    assert do_set_member_role(cast.olga.actor, cast.room, uid(cast.ben), "member") == "member"
    assert role_of(cast, cast.ben) == "member"
    assert bus.events() == ["room:moderator", "room:moderator"]
    with pytest.raises(Invalid):
        do_set_member_role(cast.olga.actor, cast.room, uid(cast.ben), "owner")


# --- private rooms -------------------------------------------------------------------------

def test_an_invitation_opens_a_private_room_and_shows_it_to_the_invitee(bus, private):
    with pytest.raises(NotFound):
        do_join_room("sid-a", private.ana.actor, private.rid)
    assert private.rid not in [r.id for r, _ in community_rooms_with_counts(private.ana.actor)]

    assert do_invite_member(private.olga.actor, private.room, uid(private.ana)) is True
    assert bus.emits == [Emit("rooms:new", {
        "id": private.rid, "name": "Chess", "description": "", "category": "general",
        "usersCount": 1, "isPrivate": True}, to=f"user:{uid(private.ana)}")]
    assert records(private.rid)[-1] == ("invite", uid(private.olga), uid(private.ana))
    assert private.rid in [r.id for r, _ in community_rooms_with_counts(private.ana.actor)]
    do_join_room("sid-a", private.ana.actor, private.rid)

    bus.clear()
    assert do_invite_member(private.olga.actor, private.room, uid(private.ana)) is False
    assert bus.emits == []


def test_removing_a_member_takes_them_out_of_a_private_room(bus, private, left):
    do_invite_member(private.olga.actor, private.room, uid(private.ana))
    do_join_room("sid-a", private.ana.actor, private.rid)
    do_join_room("sid-a2", private.ana.actor, private.rid)
    bus.clear()

    do_remove_member(private.olga.actor, private.room, uid(private.ana))
    kicked = {"roomId": private.rid, "userId": wid(private.ana), "username": "ana",
              "by": who(private.olga)}
    channel = private.channel
    assert bus.emits == [
        Emit("room:user:kicked", kicked, to=channel),
        Emit("room:user:kicked", kicked, to=f"user:{uid(private.ana)}"),
        Emit("room:user:left", {"roomId": private.rid, "userId": wid(private.ana),
                                "timestamp": NOW_Z}, to=channel),
        Emit("rooms:update", {"id": private.rid, "usersCount": 1}, to=channel),
    ]
    # Out of the room, and no sidebar of theirs watches it any more (sidebar:watch).
    watching = f"activity:{private.rid}"
    assert sorted(left) == [("sid-a", watching), ("sid-a", channel), ("sid-a2", watching),
                            ("sid-a2", channel)]
    assert sockets_in(private.rid) == {"sid-o"}
    with pytest.raises(NotFound):
        check_community_room(private.rid, private.ana.actor)
    with pytest.raises(NotFound):
        do_remove_member(private.olga.actor, private.room, uid(private.ana))


def test_removing_a_moderator_from_a_public_room_dismisses_them(bus, cast, left):
    do_remove_member(cast.olga.actor, cast.room, uid(cast.mia))
    assert bus.emits == [Emit("room:moderator", {"roomId": cast.rid, "userId": wid(cast.mia),
                                                 "username": "mia", "isModerator": False},
                              to=cast.channel)]
    assert left == [] and "sid-m" in sockets_in(cast.rid)  # a public room stays open to them
    assert authz.room_role(cast.mia.actor, cast.room) == "none"


def test_private_rooms_hide_from_outsiders_and_refuse_non_owners(bus, private):
    with pytest.raises(NotFound):  # Ben does not know the room exists
        do_invite_member(private.ben.actor, private.room, uid(private.ana))
    with pytest.raises(Forbidden):  # Mia moderates it, but inviting is the owner's
        do_invite_member(private.mia.actor, private.room, uid(private.ana))
    with pytest.raises(NotFound):
        do_mute(private.ben.actor, private.room, uid(private.mia), 60)
    with pytest.raises(NotFound):
        do_invite_member(private.olga.actor, private.room, 9999)
    with pytest.raises(Forbidden):
        do_remove_member(private.olga.actor, private.room, uid(private.olga))
    assert bus.emits == []


def test_an_admin_manages_any_room(bus, private):
    root = admin(bus)
    check_community_room(private.rid, root)
    do_invite_member(root, private.room, uid(private.ben))
    do_appoint_moderator(root, private.room, uid(private.ben))
    assert role_of(private, private.ben) == "moderator"


def test_a_guest_owns_the_room_they_create(bus, cast):
    """Guests may own rooms (and so moderate them); a guest's standing elsewhere is nothing."""
    assert cast.olga.actor.is_guest and authz.room_role(cast.olga.actor, cast.room) == "owner"
    guest = login(bus, "sid-g", "gus").actor
    with pytest.raises(Forbidden):
        do_mute(guest, cast.room, uid(cast.ana), 60)
    with pytest.raises(Forbidden):
        do_invite_member(guest, cast.room, uid(cast.ana))
