"""REST of the message features (edit, reactions, read markers, unread), validated against the
OpenAPI document like every other route, with their authorization: only the author edits,
nobody acts in a private room they are not in, writes need a token."""
from __future__ import annotations

from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.rooms import do_create_room
from tests.openapi_support import ana, bearer, ben, call, openapi, spec  # noqa: F401
from tests.unit_support import bus, wire  # noqa: F401

ROOM_1 = RoomRef(1, "community")


def test_the_author_edits_over_rest_and_the_room_hears_it(call, ana, bus):
    sent = do_send_message(ana.actor, ROOM_1, "typo")
    bus.clear()
    body = call("PATCH", f"/api/rooms/1/messages/{sent['id']}", 200, headers=bearer(ana.token),
                json={"message": "_fixed_"}).get_json()
    assert body["content"] == "_fixed_" and body["html"] == "<p><em>fixed</em></p>"
    assert body["editedAt"] is not None
    assert bus.emits[-1].event == "room:message:updated"
    assert bus.emits[-1].data == {"roomId": 1, "message": body}
    page = call("GET", "/api/rooms/1/messages", 200).get_json()
    assert page["messages"][0]["content"] == "_fixed_" and page["messages"][0]["editedAt"]


def test_nobody_else_edits_and_a_token_is_needed(call, ana, ben, bus):
    sent = do_send_message(ana.actor, ROOM_1, "mine")
    path = f"/api/rooms/1/messages/{sent['id']}"
    error = call("PATCH", path, 403, headers=bearer(ben.token), json={"message": "x"}).get_json()
    assert error["error"]["code"] == "forbidden"
    call("PATCH", path, 401, json={"message": "x"}, request_ok=False)
    call("PATCH", path, 400, headers=bearer(ana.token), json={"message": ""}, request_ok=False)
    call("PATCH", "/api/rooms/1/messages/999", 404, headers=bearer(ana.token),
         json={"message": "x"})
    assert call("GET", "/api/rooms/1/messages", 200).get_json()["messages"][0]["content"] == "mine"


def test_reactions_over_rest_toggle_and_show_in_history(call, ana, ben, bus):
    sent = do_send_message(ana.actor, ROOM_1, "cake")
    path = f"/api/rooms/1/messages/{sent['id']}/reactions"
    first = call("POST", path, 200, headers=bearer(ben.token), json={"emoji": "🎉"}).get_json()
    assert first == {"messageId": sent["id"], "emoji": "🎉", "reacted": True,
                     "reactions": [{"emoji": "🎉", "count": 1, "userIds": [wire(ben)]}]}
    history = call("GET", "/api/rooms/1/messages", 200).get_json()["messages"]
    assert history[0]["reactions"] == first["reactions"]
    again = call("POST", path, 200, headers=bearer(ben.token), json={"emoji": "🎉"}).get_json()
    assert again["reacted"] is False and again["reactions"] == []
    bad = call("POST", path, 400, headers=bearer(ben.token), json={"emoji": "<b>"}).get_json()
    assert bad["error"]["code"] == "invalid"


def test_a_private_room_is_not_found_for_outsiders(call, ana, ben, bus):
    room = do_create_room(None, ana.actor, {"name": "ours", "isPrivate": True})
    sent = do_send_message(ana.actor, RoomRef(room.id, "community"), "secret")
    headers = bearer(ben.token)
    call("POST", f"/api/rooms/{room.id}/messages/{sent['id']}/reactions", 404, headers=headers,
         json={"emoji": "👀"})
    call("PATCH", f"/api/rooms/{room.id}/messages/{sent['id']}", 404, headers=headers,
         json={"message": "x"})
    call("POST", f"/api/rooms/{room.id}/read", 404, headers=headers, json={})


def test_read_markers_and_unread(call, ana, ben, bus):
    call("POST", "/api/rooms/1/read", 200, headers=bearer(ben.token), json={})
    for text in ("a", "b @ben"):
        do_send_message(ana.actor, ROOM_1, text)
    unread = call("GET", "/api/unread", 200, headers=bearer(ben.token)).get_json()
    assert unread == {"rooms": [{"roomId": 1, "eventId": None, "lastReadId": 0, "unread": 2,
                                 "mentions": 1}], "conversations": []}
    bus.clear()
    read = call("POST", "/api/rooms/1/read", 200, headers=bearer(ben.token),
                json={"messageId": 1}).get_json()
    assert read == {"roomId": 1, "lastReadId": 1}
    assert bus.emits[-1].event == "room:read" and bus.emits[-1].to == f"user:{ben.actor.user_id}"
    unread = call("GET", "/api/unread", 200, headers=bearer(ben.token)).get_json()
    assert unread["rooms"][0]["unread"] == 1 and unread["rooms"][0]["mentions"] == 1
    call("GET", "/api/unread", 401, request_ok=False)
