"""``GET /api/search`` on the backend under test (run with TEST_DATABASE=postgresql too):
ranked, highlighted, paged, filtered; and never a message of a private room or a
conversation the caller is not in. Responses are validated against the OpenAPI document."""
from __future__ import annotations

from chatapp.actions.message_edits import do_edit_message
from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.actions.moderation import do_ban, do_delete_message
from chatapp.actions.rooms import do_create_room
from chatapp.extensions import db
from chatapp.models import Room
from tests.openapi_support import ana, bearer, ben, call, openapi, spec  # noqa: F401
from tests.unit_support import bus, login, wire  # noqa: F401

ROOM_1, ROOM_2 = RoomRef(1, "community"), RoomRef(2, "community")


def search(call, who, status=200, **params):
    return call("GET", "/api/search", status, headers=bearer(who.token),
                query_string=params).get_json()


def test_found_ranked_highlighted_and_safe(call, ana, ben):
    do_send_message(ana.actor, ROOM_1, "the deploy <script> went fine")
    do_send_message(ana.actor, ROOM_2, "deploy deploy deploy tonight")
    do_send_message(ana.actor, ROOM_1, "nothing to see")
    body = search(call, ben, q="deploy")
    assert [r["content"] for r in body["results"]] == ["deploy deploy deploy tonight",
                                                      "the deploy <script> went fine"]
    first, second = body["results"]
    assert "<mark>deploy</mark>" in first["highlight"] and first["roomId"] == 2
    assert "&lt;script&gt;" in second["highlight"] and "<script>" not in second["highlight"]
    assert second["userId"] == wire(ana) and second["conversationUserId"] is None
    assert body["nextOffset"] is None


def test_every_word_must_match_and_the_last_is_a_prefix(call, ana, ben):
    do_send_message(ana.actor, ROOM_1, "Database migrations are done")
    do_send_message(ana.actor, ROOM_1, "database only")
    assert [r["content"] for r in search(call, ben, q="datab migr")["results"]] == []
    assert [r["content"] for r in search(call, ben, q="database migr")["results"]] == [
        "Database migrations are done"]
    # Query syntax of either engine is just words here.
    assert search(call, ben, q='" OR * NEAR( -:')["results"] == []


def test_pages_with_next_offset(call, ana, ben):
    for n in range(5):
        do_send_message(ana.actor, ROOM_1, f"page word {n}")
    first = search(call, ben, q="word", limit=2)
    second = search(call, ben, q="word", limit=2, offset=first["nextOffset"])
    third = search(call, ben, q="word", limit=2, offset=second["nextOffset"])
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert sorted(ids) == [1, 2, 3, 4, 5] and third["nextOffset"] is None


def test_filters_room_author_and_before(call, ana, ben):
    do_send_message(ana.actor, ROOM_1, "alpha from ana")
    do_send_message(ben.actor, ROOM_1, "alpha from ben")
    do_send_message(ana.actor, ROOM_2, "alpha in two")
    assert [r["roomId"] for r in search(call, ben, q="alpha", roomId=2)["results"]] == [2]
    assert {r["content"] for r in search(call, ben, q="alpha", **{"from": wire(ben)})["results"]} \
        == {"alpha from ben"}
    assert search(call, ben, q="alpha", before="2000-01-01")["results"] == []
    assert len(search(call, ben, q="alpha", before="2999-01-01T00:00:00Z")["results"]) == 3
    search(call, ben, 400, q="alpha", before="yesterday")


def test_edits_and_deletions_are_what_search_sees(call, ana, ben, bus):
    sent = do_send_message(ana.actor, ROOM_1, "old words")
    do_edit_message(ana.actor, ROOM_1, sent["id"], "new words")
    assert search(call, ben, q="old")["results"] == []
    assert [r["id"] for r in search(call, ben, q="new")["results"]] == [sent["id"]]
    do_delete_message(ana.actor, db.session.get(Room, 1), sent["id"])
    assert search(call, ben, q="new")["results"] == []


def test_never_a_private_room_or_conversation_the_caller_is_not_in(call, ana, ben, bus):
    eve = login(bus, "sid-eve", "eve")
    room = do_create_room(None, ana.actor, {"name": "secret", "isPrivate": True})
    do_send_message(ana.actor, RoomRef(room.id, "community"), "launch code secret")
    do_send_private_message(ana.actor, ben.actor.user_id, "secret between us")
    do_send_message(ana.actor, ROOM_1, "no secret here")

    assert [r["content"] for r in search(call, eve, q="secret")["results"]] == ["no secret here"]
    call("GET", "/api/search", 404, headers=bearer(eve.token),
         query_string={"q": "secret", "roomId": room.id})
    mine = {r["content"]: r for r in search(call, ben, q="secret")["results"]}
    assert set(mine) == {"secret between us", "no secret here"}
    assert mine["secret between us"]["conversationUserId"] == wire(ana)
    assert len(search(call, ana, q="secret")["results"]) == 3


def test_a_ban_hides_the_room_from_search(call, ana, ben, bus):
    room = do_create_room(None, ana.actor, {"name": "club"})
    do_send_message(ben.actor, RoomRef(room.id, "community"), "club notes")
    do_ban(ana.actor, db.session.get(Room, room.id), ben.actor.user_id, "spam")
    assert search(call, ben, q="club")["results"] == []


def test_search_needs_a_caller_and_a_query(call, ana):
    call("GET", "/api/search", 401, query_string={"q": "x"}, request_ok=False)
    call("GET", "/api/search", 400, headers=bearer(ana.token), query_string={"q": ""},
         request_ok=False)
    call("GET", "/api/search", 400, headers=bearer(ana.token), query_string={"q": "x" * 201},
         request_ok=False)
