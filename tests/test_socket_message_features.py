"""Edits, reactions, replies, mentions and read markers end to end: real clients against a
real server process, as people would use them (with the refusals they would hit)."""
from __future__ import annotations

from tests.e2e_support import (
    api_get,
    assert_refused,
    join,
    login,
    new_room,
    room_page,
    second_tab,
    send,
    uid,
)


def test_edit_react_reply_and_mention_reach_everyone_in_the_room(server, connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    room = new_room(ana, unique)
    join(ben, room)
    first = send(ana, room, "lunch at noon?")

    ack = ana.call("room:message:edit", {"roomId": room, "messageId": first["id"],
                                         "message": "lunch at **one**?"})
    assert ack["ok"] and ack["message"]["html"] == "<p>lunch at <strong>one</strong>?</p>"
    updated = ben.wait_for("room:message:updated")
    assert updated == {"roomId": room, "message": ack["message"]}

    ack = ben.call("room:message:react", {"roomId": room, "messageId": first["id"],
                                          "emoji": "👍"})
    assert ack["ok"] and ack["reacted"] is True
    for client in (ana, ben):
        assert client.wait_for("room:message:reactions") == {
            "roomId": room, "messageId": first["id"],
            "reactions": [{"emoji": "👍", "count": 1, "userIds": [uid(ben)]}]}

    name = ana.user["username"]
    ack = ben.call("room:message", {"roomId": room, "message": f"@{name} yes", "replyTo": first["id"]})
    assert ack["ok"] and ack["message"]["replyTo"]["id"] == first["id"]
    assert ack["message"]["replyTo"]["excerpt"] == "lunch at one?"  # as it reads, no markup
    mention = ana.wait_for("mention")
    assert mention["roomId"] == room and mention["message"]["id"] == ack["message"]["id"]
    assert ack["message"]["mentions"] == [uid(ana)]

    history = room_page(server, room)["messages"]
    assert [m["id"] for m in history] == [ack["message"]["id"], first["id"]]
    assert history[1]["editedAt"] and history[1]["reactions"][0]["userIds"] == [uid(ben)]
    assert history[0]["replyTo"]["id"] == first["id"]


def test_nobody_edits_or_reacts_where_they_may_not(server, connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    room = new_room(ana, unique)
    join(ben, room)
    first = send(ana, room, "mine")
    assert_refused(ben, "room:message:edit",
                   {"roomId": room, "messageId": first["id"], "message": "yours"}, code="forbidden")
    assert_refused(ben, "room:message:react",
                   {"roomId": room, "messageId": first["id"], "emoji": "lol"}, code="invalid")
    outsider = login(connect, unique("eve"))
    assert_refused(outsider, "room:message:react",
                   {"roomId": room, "messageId": first["id"], "emoji": "👍"}, code="not_member")
    assert_refused(ben, "room:message", {"roomId": room, "message": "re", "replyTo": 10**9},
                   code="not_found")
    assert room_page(server, room)["messages"][0]["content"] == "mine"


def test_reading_on_one_tab_clears_the_badge_on_the_others(server, connect, unique):
    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    room = new_room(ana, unique)
    ben_phone = second_tab(connect, ben)
    assert ben.call("room:read", {"roomId": room})["ok"]
    send(ana, room, "one")
    send(ana, room, f"two @{ben.user['username']}")
    unread = api_get(server, "/api/unread", ben.token).json()
    assert {"roomId": room, "eventId": None, "lastReadId": 0, "unread": 2,
            "mentions": 1} in unread["rooms"]

    ack = ben_phone.call("room:read", {"roomId": room})
    assert ack["ok"] and ack["lastReadId"] > 0
    for tab in (ben, ben_phone):
        assert tab.wait_for("room:read", lambda d: d["lastReadId"] == ack["lastReadId"]) == {
            "roomId": room, "eventId": None, "lastReadId": ack["lastReadId"]}
    unread = api_get(server, "/api/unread", ben.token).json()
    assert {"roomId": room, "eventId": None, "lastReadId": ack["lastReadId"], "unread": 0,
            "mentions": 0} in unread["rooms"]


def test_a_picture_sent_with_a_message_reaches_the_room_and_only_its_readers(server, connect,
                                                                            unique):
    import io

    import requests
    from PIL import Image

    ana, ben = login(connect, unique("ana")), login(connect, unique("ben"))
    room = new_room(ana, unique, isPrivate=True)
    picture = io.BytesIO()
    Image.new("RGB", (800, 600), (0, 90, 200)).save(picture, "PNG")
    uploaded = requests.post(f"{server.url}/api/uploads", timeout=10,
                             headers={"Authorization": f"Bearer {ana.token}"},
                             files={"file": ("sea.png", picture.getvalue(), "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    ack = ana.call("room:message", {"roomId": room, "message": "the sea",
                                    "attachments": [attachment["id"]]})
    assert ack["ok"] and ack["message"]["attachments"] == [attachment]
    assert (attachment["width"], attachment["height"]) == (800, 600)
    thumb = api_get(server, attachment["thumbnailUrl"], ana.token)
    assert thumb.status_code == 200 and thumb.headers["X-Content-Type-Options"] == "nosniff"
    # ben is not in the private room: the file is not there for him.
    assert api_get(server, attachment["url"], ben.token).status_code == 404
