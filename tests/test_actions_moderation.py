"""Unit tests of moderation actions: deleting messages, mutes and slow mode (kicks and
bans: test_actions_moderation_bans.py).

Each test asserts exactly which events an action sends to whom, that refusals change and
send nothing, and what the moderation record holds."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chatapp.actions.event_lifecycle import new_event
from chatapp.actions.events import do_join_event
from chatapp.actions.membership import do_appoint_moderator
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.moderation import (
    do_delete_message,
    do_kick,
    do_mute,
    do_set_slow_mode,
    do_unmute,
)
from chatapp.actions.typing import do_room_typing
from chatapp.errors import Forbidden, Invalid, NotFound, RateLimited
from chatapp.extensions import db
from chatapp.models import Message, RoomMute
from chatapp.queries import rooms as room_queries
from chatapp.queries.moderation import moderation_log, record_payloads
from chatapp.security import authz
from chatapp.timeutil import isoformat_z, utcnow
from tests.moderation_support import admin, cast, left, records, sockets_in, uid, who, wid  # noqa: F401
from tests.unit_support import NOW_Z, Emit, bus, fresh_scalar, login  # noqa: F401


def say(result, cast, text: str = "hi") -> dict:
    return do_send_message(result.actor, RoomRef(cast.rid, "community"), text)


# --- deleting messages ---------------------------------------------------------------------

def test_a_moderator_deletes_a_message_and_the_room_sees_it_go(bus, cast):
    message = say(cast.ana, cast)
    kept = say(cast.ben, cast, "stays")
    bus.clear()

    do_delete_message(cast.mia.actor, cast.room, message["id"])
    assert bus.emits == [Emit("room:message:deleted", {"roomId": cast.rid,
                                                       "messageId": message["id"]},
                              to=cast.channel)]
    assert [m.id for m in room_queries.room_history(cast.rid, 100)] == [kept["id"]]
    row = db.session.get(Message, message["id"])
    assert row.deleted_by_id == uid(cast.mia) and row.deleted_at is not None
    assert records(cast.rid)[-1] == ("delete_message", uid(cast.mia), uid(cast.ana))
    assert db.session.get(Message, message["id"]).content == "hi"  # kept for the record


def test_authors_may_delete_their_own_messages(bus, cast):
    message = say(cast.ana, cast)
    bus.clear()
    do_delete_message(cast.ana.actor, cast.room, message["id"])
    assert bus.events() == ["room:message:deleted"]


@pytest.mark.parametrize("deleter, author, ben_moderates", [
    ("ben", "ana", False),   # a bystander
    ("mia", "olga", False),  # a moderator, the owner's message
    ("mia", "ben", True),    # a moderator, another moderator's message
])
def test_deleting_someone_elses_message_needs_standing_over_them(bus, cast, deleter, author,
                                                                 ben_moderates):
    if ben_moderates:
        do_appoint_moderator(cast.olga.actor, cast.room, uid(cast.ben))
    message = say(getattr(cast, author), cast)
    bus.clear()
    before = records(cast.rid)
    with pytest.raises(Forbidden):
        do_delete_message(getattr(cast, deleter).actor, cast.room, message["id"])
    assert bus.emits == [] and records(cast.rid) == before
    assert db.session.get(Message, message["id"]).deleted_at is None


def test_a_deleted_or_foreign_message_is_not_found(bus, cast):
    message = say(cast.ana, cast)
    elsewhere = do_send_message(cast.ana.actor, RoomRef(1, "community"), "room one")
    do_delete_message(cast.mia.actor, cast.room, message["id"])
    bus.clear()
    for message_id in (message["id"], elsewhere["id"], 9999):
        with pytest.raises(NotFound):
            do_delete_message(cast.olga.actor, cast.room, message_id)
    assert bus.emits == []


def test_the_host_deletes_a_message_in_an_event_chat(bus, left):
    host, ana = login(bus, "sid-h", "host"), login(bus, "sid-a", "ana")
    event = new_event("keynote", "Keynote", host_id=uid(host), starts_at=utcnow() - timedelta(minutes=1))
    db.session.commit()
    do_join_event("sid-a", ana.actor, "keynote", leaving_room_id=None)
    message = do_send_message(ana.actor, RoomRef(event.room_id, "event"), "hello")
    bus.clear()

    do_delete_message(host.actor, event.room, message["id"])
    assert bus.emits == [Emit("messageDeleted", {"id": message["id"], "eventId": "keynote"},
                              to=f"room:{event.room_id}")]
    assert room_queries.room_history(event.room_id, 100) == []


# --- mutes ---------------------------------------------------------------------------------

def test_a_mute_is_announced_and_blocks_posting_and_typing_until_it_ends(bus, cast, monkeypatch):
    until = do_mute(cast.mia.actor, cast.room, uid(cast.ana), 60)
    assert until - utcnow() > timedelta(seconds=58)
    assert bus.emits == [Emit("room:user:muted", {
        "roomId": cast.rid, "userId": wid(cast.ana), "username": "ana",
        "until": isoformat_z(until), "by": who(cast.mia)}, to=cast.channel)]
    assert records(cast.rid)[-1] == ("mute", uid(cast.mia), uid(cast.ana))
    bus.clear()

    with pytest.raises(authz.Muted) as refused:
        say(cast.ana, cast)
    assert refused.value.code == "muted" and 0 < refused.value.retry_after <= 60
    with pytest.raises(authz.Muted):
        do_room_typing("sid-a", cast.ana.actor, cast.rid, True)
    assert bus.emits == []
    say(cast.ben, cast)  # only Ana is muted

    later = utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(authz, "utcnow", lambda: later)
    authz.forget_policy(cast.rid)  # (the cache would also expire on its own)
    assert say(cast.ana, cast, "back")["content"] == "back"


def test_unmute_lifts_a_mute_at_once(bus, cast):
    do_mute(cast.olga.actor, cast.room, uid(cast.ana), 3600)
    bus.clear()
    do_unmute(cast.mia.actor, cast.room, uid(cast.ana))
    assert bus.emits == [Emit("room:user:unmuted", {"roomId": cast.rid, "userId": wid(cast.ana),
                                                    "username": "ana"}, to=cast.channel)]
    assert db.session.get(RoomMute, (cast.rid, uid(cast.ana))) is None
    say(cast.ana, cast)
    with pytest.raises(NotFound):
        do_unmute(cast.mia.actor, cast.room, uid(cast.ana))


@pytest.mark.parametrize("actor, target, error", [
    ("ben", "ana", Forbidden),   # a bystander
    ("ana", "ben", Forbidden),   # a member
    ("mia", "olga", Forbidden),  # a moderator on the owner
    ("mia", "mia", Forbidden),   # on oneself
])
def test_mutes_need_standing_over_the_target(bus, cast, actor, target, error):
    with pytest.raises(error):
        do_mute(getattr(cast, actor).actor, cast.room, uid(getattr(cast, target)), 60)
    assert bus.emits == [] and db.session.get(RoomMute, (cast.rid, uid(getattr(cast, target)))) is None


def test_owners_mute_moderators_and_admins_mute_owners(bus, cast):
    do_mute(cast.olga.actor, cast.room, uid(cast.mia), 60)
    root = admin(bus)
    do_mute(root, cast.room, uid(cast.olga), 60)
    assert [r[0] for r in records(cast.rid)][-2:] == ["mute", "mute"]


@pytest.mark.parametrize("seconds", [0, -5, 7 * 24 * 3600 + 1, "60", True, None])
def test_mute_durations_are_checked(bus, cast, seconds):
    with pytest.raises(Invalid):
        do_mute(cast.mia.actor, cast.room, uid(cast.ana), seconds)
    with pytest.raises(NotFound):
        do_mute(cast.mia.actor, cast.room, 9999, 60)
    assert bus.emits == []


# --- slow mode -----------------------------------------------------------------------------

def test_slow_mode_allows_one_message_per_interval_except_for_staff(bus, cast):
    assert do_set_slow_mode(cast.mia.actor, cast.room, 30) == 30
    assert bus.emits == [Emit("room:slowmode", {"roomId": cast.rid, "seconds": 30},
                              to=cast.channel)]
    assert records(cast.rid)[-1] == ("slow_mode", uid(cast.mia), None)

    say(cast.ana, cast, "one")
    with pytest.raises(RateLimited) as refused:
        say(cast.ana, cast, "two")
    assert refused.value.code == "rate_limited" and 0 < refused.value.retry_after <= 30
    say(cast.ben, cast, "another user has their own interval")
    for staff in (cast.mia, cast.olga):
        say(staff, cast, "one")
        say(staff, cast, "two")

    bus.clear()
    do_set_slow_mode(cast.olga.actor, cast.room, 30)  # unchanged: nothing to announce
    assert bus.emits == []
    do_set_slow_mode(cast.olga.actor, cast.room, 0)
    say(cast.ana, cast, "off again")


def test_slow_mode_is_for_moderators_and_bounded(bus, cast):
    with pytest.raises(Forbidden):
        do_set_slow_mode(cast.ana.actor, cast.room, 10)
    with pytest.raises(Invalid):
        do_set_slow_mode(cast.mia.actor, cast.room, 3601)
    assert bus.emits == [] and cast.room.slow_mode_seconds == 0


# --- the record ----------------------------------------------------------------------------

def test_the_record_says_who_did_what_to_whom_and_when(bus, cast, left):
    message = say(cast.ana, cast)
    do_delete_message(cast.mia.actor, cast.room, message["id"])
    do_mute(cast.mia.actor, cast.room, uid(cast.ana), 60)
    do_kick(cast.olga.actor, cast.room, uid(cast.ana))

    log = record_payloads(moderation_log(cast.rid))
    assert [e["action"] for e in log] == ["kick", "mute", "delete_message", "appoint_moderator"]
    assert log[0]["actor"] == {"userId": wid(cast.olga), "username": "olga"}
    assert log[0]["target"] == {"userId": wid(cast.ana), "username": "ana"}
    assert log[2]["messageId"] == message["id"] and log[1]["detail"].startswith("60s until ")
    assert all(e["timestamp"].endswith("Z") for e in log)
    assert [e["id"] for e in record_payloads(moderation_log(cast.rid, before=log[1]["id"]))] \
        == [log[2]["id"], log[3]["id"]]
