"""Unit tests of logging in and setting a status.

The end of a socket (disconnect, dead process) is in ``test_actions_presence.py``.
"""
from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from chatapp.actions.accounts import do_register
from chatapp.actions.presence import do_remove_socket
from chatapp.actions.rooms import do_join_room
from chatapp.actions.sessions import do_login, do_set_status
from chatapp.cluster.process_registry import current_process_id
from chatapp.errors import AuthFailed, Invalid, TooLarge
from chatapp.extensions import db
from chatapp.models import Connection, RoomPresence, User
from chatapp.security.identity import TOKEN_SALT, user_from_token
from tests.unit_support import (  # noqa: F401
    GUEST_NAME,
    NOW_Z,
    Emit,
    bus,
    count,
    default_rooms,
    login,
    user,
    wire,
)

# --- do_login ----------------------------------------------------------------------------

def test_guest_login_emits_rooms_session_and_online(bus):
    result = do_login("sid-a", username="  ana ", avatar="a.png")

    ana = {"userId": wire(result), "username": "ana", "avatar": "a.png", **GUEST_NAME}
    assert bus.emits == [
        Emit("rooms:list", default_rooms(), to="sid-a"),
        Emit("user:session", {**ana, "token": result.token}, to="sid-a"),
        # To the user's watchers only (docs/protocol.md, "Who hears presence").
        Emit("user:online", ana, to=["presence:all", f"presence:user:{ana['userId']}"],
             skip_sid="sid-a"),
    ]
    assert bus.subscribed == [("sid-a", "user:1")]
    assert user(result) == ana and result.rooms == default_rooms()
    assert user_from_token(result.token).id == 1
    row = db.session.get(Connection, "sid-a")
    assert (row.user_id, row.process_id) == (1, current_process_id())
    assert db.session.get(User, 1).is_guest


def test_second_socket_with_token_does_not_announce_online_again(bus):
    first = login(bus, "sid-a", "ana")
    second = do_login("sid-b", token=first.token)

    ana = user(first)
    assert bus.emits == [
        Emit("rooms:list", default_rooms(), to="sid-b"),
        Emit("user:session", {**ana, "token": second.token}, to="sid-b"),
    ]
    assert bus.subscribed == [("sid-b", f"user:{first.actor.user_id}")]
    assert second.actor == first.actor
    assert count(User) == 1 and count(Connection) == 2


def test_already_identified_socket_keeps_its_identity_without_token(bus):
    first = login(bus, "sid-a", "ana")
    again = do_login("sid-a", username="somebody-else", current=first.actor)

    assert again.actor == first.actor
    assert bus.events() == ["rooms:list", "user:session"]
    assert count(User) == 1 and count(Connection) == 1


def test_rooms_list_counts_distinct_users(bus):
    ana = login(bus, "sid-a", "ana")
    login(bus, "sid-a2", token=ana.token)
    do_join_room("sid-a", ana.actor, 2)
    do_join_room("sid-a2", ana.actor, 2)
    bus.clear()

    do_login("sid-b", username="ben")
    assert bus.emits[0] == Emit("rooms:list", default_rooms({2: 1}), to="sid-b")


def test_guest_name_taken_by_an_online_user_gets_a_suffix(bus):
    login(bus, "sid-a", "ana")
    assert login(bus, "sid-b", "ana").actor.username == "ana-2"
    assert login(bus, "sid-c", "ANA").actor.username == "ANA-3"
    assert len({u.id for u in db.session.scalars(db.select(User))}) == 3


def test_guest_name_is_free_again_once_its_user_went_offline(bus):
    login(bus, "sid-a", "ana")
    do_remove_socket("sid-a")
    bus.clear()

    result = do_login("sid-b", username="ana")
    assert result.actor.username == "ana" and result.actor.user_id == 2
    assert bus.events() == ["rooms:list", "user:session", "user:online"]


def test_guest_never_takes_an_accounts_name(bus):
    do_register("Ana", "correct horse battery")
    assert login(bus, "sid-a", "ana").actor.username == "ana-2"
    assert login(bus, "sid-b", "ANA").actor.username == "ANA-3"
    assert [u.username for u in db.session.scalars(db.select(User).where(User.is_guest))] == \
        ["ana-2", "ANA-3"]


@pytest.mark.parametrize("name", ["admin", "System", "  root ", "MODERATOR", "guest"])
def test_reserved_guest_name_is_invalid_and_writes_nothing(bus, name):
    with pytest.raises(Invalid):
        do_login("sid-x", username=name)
    assert bus.emits == [] and bus.subscribed == []
    assert count(User) == 0 and count(Connection) == 0


@pytest.mark.parametrize("avatar", ["javascript:alert(1)", " JavaScript:alert(1)",
                                    "data:image/png;base64,AAAA", "//evil.example/a.png",
                                    "vbscript:x", "a.png\" onerror=\"x"])
def test_unsafe_guest_avatar_is_dropped(bus, avatar):
    result = do_login("sid-a", username="ana", avatar=avatar)
    assert result.actor.avatar is None and db.session.get(User, 1).avatar is None
    assert bus.emits[1] == Emit("user:session", {"userId": wire(result), "username": "ana", "avatar": None,
                                                 **GUEST_NAME, "token": result.token},
                                to="sid-a")


@pytest.mark.parametrize("avatar", ["a.png", "/static/avatars/a.png", "https://example.org/a.png",
                                    "http://example.org/a.png"])
def test_safe_guest_avatar_is_kept(bus, avatar):
    result = do_login("sid-a", username="ana", avatar=avatar)
    assert result.actor.avatar == avatar and db.session.get(User, 1).avatar == avatar


def test_suffixed_name_stays_within_the_username_limit(bus):
    name = "n" * 32
    login(bus, "sid-a", name)
    assert login(bus, "sid-b", name).actor.username == "n" * 30 + "-2"


@pytest.mark.parametrize("token", [
    "garbage",
    URLSafeTimedSerializer("another-secret", salt=TOKEN_SALT).dumps({"uid": 1, "v": 1}),
    "",  # empty: treated as no token, but no username either
])
def test_bad_token_raises_and_writes_nothing(bus, token):
    error = AuthFailed if token else Invalid
    with pytest.raises(error):
        do_login("sid-x", token=token)
    assert bus.emits == [] and bus.subscribed == []
    assert count(User) == 0 and count(Connection) == 0


def test_revoked_token_is_refused(bus):
    ana = login(bus, "sid-a", "ana")
    db.session.get(User, ana.actor.user_id).token_version = 2
    db.session.commit()
    with pytest.raises(AuthFailed):
        do_login("sid-b", token=ana.token)
    assert bus.emits == [] and count(Connection) == 1


def test_token_switches_a_socket_to_another_identity(bus):
    ben = login(bus, "sid-b", "ben")
    ana = login(bus, "sid-a", "ana")
    do_join_room("sid-a", ana.actor, 1)
    bus.clear()

    result = do_login("sid-a", token=ben.token)
    a = wire(ana)
    assert bus.emits == [
        Emit("room:user:left", {"roomId": 1, "userId": a, "timestamp": NOW_Z}, to="room:1"),
        Emit("rooms:update", {"id": 1, "usersCount": 0}),
        Emit("user:offline", {"userId": a}, to=["presence:legacy", "presence:all", f"presence:user:{a}"]),
        Emit("rooms:list", default_rooms(), to="sid-a"),
        Emit("user:session", {**user(ben), "token": result.token}, to="sid-a"),
    ]
    assert db.session.get(Connection, "sid-a").user_id == ben.actor.user_id
    assert count(RoomPresence) == 0


def test_token_switch_unsubscribes_the_old_identitys_channels(bus):
    ben = login(bus, "sid-b", "ben")
    ana = login(bus, "sid-a", "ana")
    do_join_room("sid-a", ana.actor, 1)
    bus.clear()
    do_login("sid-a", token=ben.token)
    assert sorted(bus.unsubscribed) == [("sid-a", "room:1"), ("sid-a", "user:2")]


# --- do_set_status -----------------------------------------------------------------------

def test_set_status_stores_and_tells_everyone_else(bus):
    ana = login(bus, "sid-a", "ana")
    assert do_set_status("sid-a", ana.actor, "  studying  ") == "studying"
    a = wire(ana)
    assert bus.emits == [Emit("user:status:update", {"userId": a, "status": "studying"},
                              to=["presence:legacy", "presence:all", f"presence:user:{a}"], skip_sid="sid-a")]
    assert db.session.get(User, 1).status == "studying"


@pytest.mark.parametrize("status, error", [("x" * 101, TooLarge), ("", Invalid), (None, Invalid),
                                           ("a\nb", Invalid)])
def test_bad_status_is_refused(bus, status, error):
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(error):
        do_set_status("sid-a", ana.actor, status)
    assert bus.emits == [] and db.session.get(User, 1).status is None
