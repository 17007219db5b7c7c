"""Unit tests of reading private conversations: unread counts and ``conversation:read``."""
from __future__ import annotations

import pytest

from chatapp.actions.conversations import do_mark_conversation_read
from chatapp.actions.messages import do_send_private_message
from chatapp.errors import NotFound
from chatapp.queries.conversations import conversation_summaries, unread_from
from tests.unit_support import Emit, bus, fresh_scalar, login, wire  # noqa: F401


@pytest.fixture
def trio(bus):
    ana, ben, cy = (login(bus, f"sid-{n}", n) for n in ("ana", "ben", "cy"))
    return ana.actor, ben.actor, cy.actor


def test_messages_from_a_peer_are_unread_until_the_conversation_is_read(bus, app, trio):
    ana, ben, cy = trio
    do_send_private_message(ben, ana.user_id, "one")
    do_send_private_message(ben, ana.user_id, "two")
    do_send_private_message(cy, ana.user_id, "from cy")
    do_send_private_message(ana, ben.user_id, "my own reply is never unread for me")
    assert unread_from(ana.user_id, ben.user_id) == 2
    bus.clear()

    up_to = do_mark_conversation_read(ana, ben.user_id)

    assert bus.emits == [Emit("conversation:read", {"userId": wire(ben)},
                              f"user:{ana.user_id}", None)]
    assert fresh_scalar(app, "SELECT last_read_id FROM conversation_reads "
                             "WHERE user_id = :u AND peer_id = :p",
                        u=ana.user_id, p=ben.user_id) == up_to
    assert unread_from(ana.user_id, ben.user_id) == 0
    assert unread_from(ana.user_id, cy.user_id) == 1  # other conversations are untouched
    assert unread_from(ben.user_id, ana.user_id) == 1  # nor the peer's own unread


def test_a_new_message_after_reading_is_unread_again(bus, trio):
    ana, ben, _ = trio
    do_send_private_message(ben, ana.user_id, "one")
    do_mark_conversation_read(ana, ben.user_id)
    do_send_private_message(ben, ana.user_id, "two")
    assert unread_from(ana.user_id, ben.user_id) == 1


def test_reading_again_changes_nothing_but_tells_the_tabs_again(bus, trio):
    ana, ben, _ = trio
    do_send_private_message(ben, ana.user_id, "one")
    first = do_mark_conversation_read(ana, ben.user_id)
    bus.clear()
    assert do_mark_conversation_read(ana, ben.user_id) == first
    assert bus.events() == ["conversation:read"]


def test_reading_a_conversation_with_nobody_is_not_found_and_changes_nothing(bus, app, trio):
    ana, _, _ = trio
    bus.clear()
    with pytest.raises(NotFound):
        do_mark_conversation_read(ana, 999)
    assert bus.emits == []
    assert fresh_scalar(app, "SELECT count(*) FROM conversation_reads") == 0


def test_summaries_list_conversations_newest_first_with_unread_counts(bus, trio):
    ana, ben, cy = trio
    do_send_private_message(ben, ana.user_id, "ben 1")
    do_send_private_message(cy, ana.user_id, "cy 1")
    do_send_private_message(ben, ana.user_id, "ben 2")
    do_send_private_message(ana, cy.user_id, "ana to cy")
    do_mark_conversation_read(ana, cy.user_id)

    rows = [(s.peer.username, s.last_message.content, s.unread)
            for s in conversation_summaries(ana.user_id)]

    assert rows == [("cy", "ana to cy", 0), ("ben", "ben 2", 2)]
    assert [(s.peer.username, s.unread) for s in conversation_summaries(cy.user_id)] == [
        ("ana", 1)]
    assert conversation_summaries(999) == []
