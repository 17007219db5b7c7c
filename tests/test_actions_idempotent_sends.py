"""Idempotent sends (issue 11, item 3): a retry with the same ``clientMessageId`` from the same
sender returns the first acknowledgement and stores and broadcasts nothing new."""
from __future__ import annotations

import pytest

from chatapp.actions import messages as messages_actions
from chatapp.actions import resends
from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.errors import Conflict, Invalid
from chatapp.extensions import db
from chatapp.models import Message
from tests.unit_support import bus, count, login  # noqa: F401

ROOM_1, ROOM_2 = RoomRef(1, "community"), RoomRef(2, "community")


def test_a_retried_room_message_is_stored_and_broadcast_once(bus):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    first = do_send_message(ana.actor, ROOM_1, "hello", client_message_id="c-1")
    again = do_send_message(ana.actor, ROOM_1, "hello", client_message_id="c-1")
    assert again == first
    assert count(Message) == 1
    assert bus.events() == ["room:message:new", "room:activity"]


def test_the_retry_gets_the_first_ack_even_if_its_text_differs(bus):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    first = do_send_message(ana.actor, ROOM_1, "hello", client_message_id="c-1")
    assert do_send_message(ana.actor, ROOM_1, "hello?", client_message_id="c-1") == first
    assert [m.content for m in db.session.scalars(db.select(Message))] == ["hello"]


def test_ids_are_per_sender_and_messages_without_one_are_never_deduplicated(bus):  # noqa: F811
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    do_send_message(ana.actor, ROOM_1, "hi", client_message_id="same")
    do_send_message(ben.actor, ROOM_1, "hi", client_message_id="same")
    do_send_message(ana.actor, ROOM_1, "hi")
    do_send_message(ana.actor, ROOM_1, "hi")
    assert count(Message) == 4
    assert bus.events() == ["room:message:new", "room:activity"] * 4


def test_a_retry_is_not_counted_against_the_rate_limit(bus, app):  # noqa: F811
    app.config["RATE_LIMIT_MESSAGES_GUEST"] = "1/minute"
    ana = login(bus, "sid-a", "ana")
    first = do_send_message(ana.actor, ROOM_1, "once", client_message_id="c-1")
    for _ in range(3):
        assert do_send_message(ana.actor, ROOM_1, "once", client_message_id="c-1") == first


def test_the_same_id_for_another_room_is_a_conflict_and_changes_nothing(bus):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    do_send_message(ana.actor, ROOM_1, "hello", client_message_id="c-1")
    bus.clear()
    with pytest.raises(Conflict):
        do_send_message(ana.actor, ROOM_2, "hello", client_message_id="c-1")
    with pytest.raises(Conflict):
        do_send_private_message(ana.actor, ana.actor.user_id, "hello", client_message_id="c-1")
    assert count(Message) == 1 and bus.emits == []


def test_a_retried_private_message_is_stored_and_sent_once(bus):  # noqa: F811
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    first = do_send_private_message(ana.actor, ben.actor.user_id, "psst",
                                    client_message_id="p-1")
    again = do_send_private_message(ana.actor, ben.actor.user_id, "psst",
                                    client_message_id="p-1")
    assert again == first
    assert count(Message) == 1
    assert bus.events() == ["message:private", "message:private:sent"]


def test_concurrent_retries_store_one_message(bus, monkeypatch):  # noqa: F811
    """Both retries looked before either committed: the unique index decides, and the loser
    answers with the winner's message without broadcasting."""
    ana = login(bus, "sid-a", "ana")
    winner = do_send_message(ana.actor, ROOM_1, "hello", client_message_id="c-1")
    bus.clear()
    real_lookup = messages_actions.message_by_client_id
    looks = []

    def lookup_racing(sender_id, client_id):
        looks.append(client_id)
        # The first look happens "before the winner committed"; later ones see the row.
        return None if len(looks) == 1 else real_lookup(sender_id, client_id)

    # Both lookups race: the retry check before sending, and the one after the insert lost.
    monkeypatch.setattr(resends, "message_by_client_id", lookup_racing)
    monkeypatch.setattr(messages_actions, "message_by_client_id", lookup_racing)
    assert do_send_message(ana.actor, ROOM_1, "hello", client_message_id="c-1") == winner
    assert count(Message) == 1 and bus.emits == []
    assert len(looks) >= 2  # it did reach the insert and lose


@pytest.mark.parametrize("client_id", ["", " c-1", "c-1\n", "x" * 65, 17, ["c-1"], True])
def test_a_malformed_client_message_id_is_invalid(bus, client_id):  # noqa: F811
    ana = login(bus, "sid-a", "ana")
    with pytest.raises(Invalid):
        do_send_message(ana.actor, ROOM_1, "hello", client_message_id=client_id)
    assert count(Message) == 0 and bus.emits == []
