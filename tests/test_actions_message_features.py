"""Unit tests of edits, reactions, replies, mentions and read markers: what each action
writes, which events it sends to whom, and what it refuses (changing nothing)."""
from __future__ import annotations

import pytest

from chatapp.actions.message_edits import do_edit_message
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.moderation import do_mute
from chatapp.actions.reactions import check_emoji, do_toggle_reaction
from chatapp.actions.reads import do_mark_room_read
from chatapp.actions.rooms import do_create_room
from chatapp.errors import Forbidden, Invalid, NotFound
from chatapp.extensions import db
from chatapp.models import Message, MessageMention, MessageReaction, Room
from chatapp.queries.unread import unread_summary
from tests.unit_support import bus, count, login, wire  # noqa: F401

ROOM_1, ROOM_2 = RoomRef(1, "community"), RoomRef(2, "community")


# --- edits ---------------------------------------------------------------------------------

def test_the_author_edits_and_the_room_hears_the_whole_message(bus):
    ana = login(bus, "sid-a", "ana")
    sent = do_send_message(ana.actor, ROOM_1, "helo")
    bus.clear()

    edited = do_edit_message(ana.actor, ROOM_1, sent["id"], " **hello** ")

    assert edited["content"] == "**hello**" and edited["html"] == "<p><strong>hello</strong></p>"
    assert edited["editedAt"] is not None and edited["id"] == sent["id"]
    assert [(e.event, e.to, e.data) for e in bus.emits] == [
        ("room:message:updated", "room:1", {"roomId": 1, "message": edited})]
    assert db.session.get(Message, sent["id"]).content == "**hello**"


def test_nobody_edits_anyone_elses_message_not_even_the_rooms_owner(bus):
    ana, olga = login(bus, "sid-a", "ana"), login(bus, "sid-o", "olga")
    room = do_create_room(None, olga.actor, {"name": "olga's"})
    sent = do_send_message(ana.actor, RoomRef(room.id, "community"), "my words")
    bus.clear()
    for someone in (olga,):
        with pytest.raises(Forbidden):
            do_edit_message(someone.actor, RoomRef(room.id, "community"), sent["id"], "yours")
    assert bus.emits == [] and db.session.get(Message, sent["id"]).content == "my words"
    assert db.session.get(Message, sent["id"]).edited_at is None


def test_editing_a_message_of_another_room_or_a_deleted_one_is_not_found(bus):
    ana = login(bus, "sid-a", "ana")
    sent = do_send_message(ana.actor, ROOM_1, "here")
    with pytest.raises(NotFound):
        do_edit_message(ana.actor, ROOM_2, sent["id"], "there")
    db.session.get(Message, sent["id"]).deleted_at = db.session.get(Message, sent["id"]).created_at
    db.session.commit()
    with pytest.raises(NotFound):
        do_edit_message(ana.actor, ROOM_1, sent["id"], "back")


@pytest.mark.parametrize("text", ["", "   ", None, 7])
def test_an_edit_to_nothing_is_refused(bus, text):
    ana = login(bus, "sid-a", "ana")
    sent = do_send_message(ana.actor, ROOM_1, "keep")
    bus.clear()
    with pytest.raises(Invalid):
        do_edit_message(ana.actor, ROOM_1, sent["id"], text)
    assert bus.emits == [] and db.session.get(Message, sent["id"]).content == "keep"


# --- reactions -----------------------------------------------------------------------------

def test_reactions_toggle_and_the_room_hears_the_totals(bus):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    sent = do_send_message(ana.actor, ROOM_1, "ship it?")
    bus.clear()

    do_toggle_reaction(ana.actor, ROOM_1, sent["id"], "👍")
    second = do_toggle_reaction(ben.actor, ROOM_1, sent["id"], "👍")
    assert second["reacted"] is True
    assert second["reactions"] == [{"emoji": "👍", "count": 2, "userIds": [wire(ana), wire(ben)]}]
    assert bus.emits[-1].event == "room:message:reactions" and bus.emits[-1].to == "room:1"
    assert bus.emits[-1].data == {"roomId": 1, "messageId": sent["id"],
                                  "reactions": second["reactions"]}

    back = do_toggle_reaction(ana.actor, ROOM_1, sent["id"], "👍")
    assert back["reacted"] is False
    assert back["reactions"] == [{"emoji": "👍", "count": 1, "userIds": [wire(ben)]}]
    assert count(MessageReaction) == 1


@pytest.mark.parametrize("emoji", ["👍", "❤️", "👍🏽", "👨‍👩‍👧", "🇫🇷", "1️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"])
def test_real_emoji_are_accepted(emoji):
    assert check_emoji(emoji) == emoji


@pytest.mark.parametrize("emoji", ["", "a", "lol", "<b>", "👍 👍", "👍a", "1", None, 5,
                                   "😀" * 20, "\u200d"])
def test_anything_but_one_short_emoji_is_refused(bus, emoji):
    ana = login(bus, "sid-a", "ana")
    sent = do_send_message(ana.actor, ROOM_1, "react")
    bus.clear()
    with pytest.raises(Invalid):
        do_toggle_reaction(ana.actor, ROOM_1, sent["id"], emoji)
    assert bus.emits == [] and count(MessageReaction) == 0


def test_a_muted_user_can_neither_react_nor_edit(bus):
    ana, olga = login(bus, "sid-a", "ana"), login(bus, "sid-o", "olga")
    room = do_create_room(None, olga.actor, {"name": "quiet"})
    ref = RoomRef(room.id, "community")
    sent = do_send_message(ana.actor, ref, "before")
    do_mute(olga.actor, db.session.get(Room, room.id), ana.actor.user_id, 60)
    bus.clear()
    with pytest.raises(Forbidden):
        do_toggle_reaction(ana.actor, ref, sent["id"], "👍")
    with pytest.raises(Forbidden):
        do_edit_message(ana.actor, ref, sent["id"], "after")
    assert bus.emits == []


# --- replies -------------------------------------------------------------------------------

def test_a_reply_carries_a_quote_of_the_original_live_and_in_history(bus, client):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    original = do_send_message(ana.actor, ROOM_1, "lunch at   noon?\nanyone")
    reply = do_send_message(ben.actor, ROOM_1, "yes", reply_to=original["id"])
    quote = {"id": original["id"], "userId": wire(ana), "sender": "ana",
             "excerpt": "lunch at noon? anyone", "deleted": False}
    assert reply["replyTo"] == quote
    assert bus.emits[-2].data["message"]["replyTo"] == quote  # then room:activity
    page = client.get("/api/rooms/1/messages").get_json()["messages"]
    assert page[0]["replyTo"] == quote and page[1]["replyTo"] is None


def test_a_reply_to_another_rooms_message_is_refused(bus):
    ana = login(bus, "sid-a", "ana")
    elsewhere = do_send_message(ana.actor, ROOM_2, "room two")
    bus.clear()
    for bad in (elsewhere["id"], 999):
        with pytest.raises(NotFound):
            do_send_message(ana.actor, ROOM_1, "answer", reply_to=bad)
    with pytest.raises(Invalid):
        do_send_message(ana.actor, ROOM_1, "answer", reply_to="first")
    assert bus.emits == [] and count(Message) == 1


# --- mentions ------------------------------------------------------------------------------

def test_a_mention_is_stored_and_told_to_every_socket_of_that_user(bus):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    sent = do_send_message(ana.actor, ROOM_1, "hey @Ben, and mail x@ana.org")
    assert sent["mentions"] == [wire(ben)]
    assert [(e.event, e.to) for e in bus.emits] == [("room:message:new", "room:1"),
                                                   ("room:activity", "activity:1"),
                                                   ("mention", f"user:{ben.actor.user_id}")]
    assert bus.emits[2].data == {"roomId": 1, "eventId": None, "message": sent}
    assert count(MessageMention) == 1


def test_nobody_is_told_of_a_private_room_they_cannot_read(bus):
    olga = login(bus, "sid-o", "olga")
    login(bus, "sid-b", "ben")  # exists, but is not in the room
    room = do_create_room(None, olga.actor, {"name": "secret", "isPrivate": True})
    bus.clear()
    sent = do_send_message(olga.actor, RoomRef(room.id, "community"), "@ben look")
    assert sent["mentions"] == [] and bus.events() == ["room:message:new", "room:activity"]


# --- read markers and unread counts ----------------------------------------------------------

def test_unread_counts_and_mentions_clear_on_every_tab(bus):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    room = db.session.get(Room, 1)
    assert do_mark_room_read(ben.actor, room) == 0
    for text in ("one", "two @ben", "three"):
        do_send_message(ana.actor, ROOM_1, text)
    do_send_message(ben.actor, ROOM_1, "mine do not count")
    summary = unread_summary(ben.actor)
    assert summary["rooms"] == [{"roomId": 1, "eventId": None, "lastReadId": 0, "unread": 3,
                                 "mentions": 1}]
    bus.clear()

    assert do_mark_room_read(ben.actor, room) == 4
    assert [(e.event, e.to, e.data) for e in bus.emits] == [
        ("room:read", f"user:{ben.actor.user_id}",
         {"roomId": 1, "eventId": None, "lastReadId": 4})]
    assert unread_summary(ben.actor)["rooms"] == [
        {"roomId": 1, "eventId": None, "lastReadId": 4, "unread": 0, "mentions": 0}]
    # A stale tab cannot move the marker back.
    assert do_mark_room_read(ben.actor, room, up_to=1) == 4


def test_unread_lists_a_mention_in_a_room_never_read(bus):
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    do_send_message(ana.actor, ROOM_2, "@ben in two")
    assert unread_summary(ben.actor)["rooms"] == [
        {"roomId": 2, "eventId": None, "lastReadId": 0, "unread": 1, "mentions": 1}]


def test_an_event_chat_has_mentions_and_a_read_marker_too(bus):
    from chatapp.actions.events import do_join_event

    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    event = do_join_event("sid-a", ana.actor, "keynote", leaving_room_id=None)  # made ad hoc
    chat = RoomRef(event.room_id, "event")
    bus.clear()
    sent = do_send_message(ana.actor, chat, "@ben see the **slides**")
    assert sent["html"] == "<p>@ben see the <strong>slides</strong></p>"
    assert [(e.event, e.to) for e in bus.emits] == [
        ("newMessage", f"room:{event.room_id}"), ("room:activity", f"activity:{event.room_id}"),
        ("mention", f"user:{ben.actor.user_id}")]
    assert bus.emits[1].data == {"roomId": event.room_id, "eventId": "keynote",
                                 "messageId": int(sent["id"]), "userId": wire(ana)}
    assert bus.emits[2].data["eventId"] == "keynote"
    assert unread_summary(ben.actor)["rooms"] == [{"roomId": event.room_id, "eventId": "keynote",
                                                   "lastReadId": 0, "unread": 1, "mentions": 1}]
    bus.clear()
    assert do_mark_room_read(ben.actor, event.room) == int(sent["id"])
    assert bus.emits[0].data == {"roomId": event.room_id, "eventId": "keynote",
                                 "lastReadId": int(sent["id"])}
