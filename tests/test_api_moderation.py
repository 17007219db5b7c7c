"""REST moderation under ``/api/rooms/<id>`` and ``/api/events/<id>``: the same actions, the
same announcements, errors as JSON."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chatapp.actions.event_lifecycle import new_event
from chatapp.actions.events import do_join_event
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.extensions import db
from chatapp.models import RoomBan, RoomMember, User
from chatapp.security.identity import issue_token
from chatapp.timeutil import utcnow
from tests.moderation_support import cast, left, records, uid, wid  # noqa: F401
from tests.unit_support import Emit, bus, login  # noqa: F401


def auth(result) -> dict:
    return {"Authorization": f"Bearer {issue_token(db.session.get(User, uid(result)))}"}


def error_of(response, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.get_data(True))
    assert response.get_json()["error"]["code"] == code


@pytest.fixture
def event(bus, left):
    """A live event hosted by Hal, with Ana in its chat."""
    hal, ana = login(bus, "sid-h", "hal"), login(bus, "sid-ea", "ana")
    ev = new_event("talk", "Talk", host_id=uid(hal), starts_at=utcnow() - timedelta(minutes=1))
    db.session.commit()
    do_join_event("sid-ea", ana.actor, "talk", leaving_room_id=None)
    bus.clear()
    return hal, ana, ev.room_id


def test_delete_a_room_message(client, bus, cast):
    message = do_send_message(cast.ana.actor, RoomRef(cast.rid, "community"), "x")
    bus.clear()
    url = f"/api/rooms/{cast.rid}/messages/{message['id']}"
    error_of(client.delete(url), 401, "not_logged_in")
    error_of(client.delete(url, headers=auth(cast.ben)), 403, "forbidden")
    assert client.delete(url, headers=auth(cast.mia)).status_code == 204
    assert bus.emits == [Emit("room:message:deleted", {"roomId": cast.rid,
                                                       "messageId": message["id"]},
                              to=cast.channel)]
    error_of(client.delete(url, headers=auth(cast.mia)), 404, "not_found")


def test_bans_mutes_kicks_and_members(client, bus, cast):
    base = f"/api/rooms/{cast.rid}"
    owner = auth(cast.olga)
    banned = client.post(f"{base}/bans", json={"userId": uid(cast.ben), "reason": "spam"},
                         headers=owner)
    assert banned.status_code == 201, banned.get_json()
    assert banned.get_json()["reason"] == "spam" and banned.get_json()["userId"] == wid(cast.ben)
    error_of(client.get(f"{base}/messages", headers=auth(cast.ben)), 403, "banned")
    assert client.delete(f"{base}/bans/{uid(cast.ben)}", headers=owner).status_code == 204
    assert db.session.get(RoomBan, (cast.rid, uid(cast.ben))) is None
    error_of(client.delete(f"{base}/bans/{uid(cast.ben)}", headers=owner), 404, "not_found")

    muted = client.post(f"{base}/mutes", json={"userId": uid(cast.ana), "seconds": 30},
                        headers=owner)
    assert muted.status_code == 201 and muted.get_json()["until"].endswith("Z")
    assert client.delete(f"{base}/mutes/{uid(cast.ana)}", headers=owner).status_code == 204
    error_of(client.post(f"{base}/mutes", json={"userId": uid(cast.ana), "seconds": 0},
                         headers=owner), 400, "invalid")

    assert client.post(f"{base}/kicks", json={"userId": uid(cast.ana)},
                       headers=owner).status_code == 204
    member = client.post(f"{base}/members", json={"userId": uid(cast.ben), "role": "moderator"},
                         headers=owner)
    assert member.get_json() == {"userId": wid(cast.ben), "role": "moderator"}
    assert db.session.get(RoomMember, (cast.rid, uid(cast.ben))).role == "moderator"
    error_of(client.post(f"{base}/members", json={"userId": uid(cast.ana)},
                         headers=auth(cast.mia)), 403, "forbidden")
    assert client.delete(f"{base}/members/{uid(cast.ben)}", headers=owner).status_code == 204
    assert [r[0] for r in records(cast.rid)][1:] == [
        "ban", "unban", "mute", "unmute", "kick", "appoint_moderator", "remove_member"]


def test_slow_mode_and_the_record(client, bus, cast):
    base = f"/api/rooms/{cast.rid}"
    error_of(client.patch(base, json={}, headers=auth(cast.olga)), 400, "invalid")
    error_of(client.patch(base, json={"slowModeSeconds": 5}, headers=auth(cast.ana)), 403,
             "forbidden")
    room = client.patch(base, json={"slowModeSeconds": 5}, headers=auth(cast.mia)).get_json()
    assert (room["id"], room["slowModeSeconds"], room["usersCount"]) == (cast.rid, 5, 3)
    assert bus.emits == [Emit("room:slowmode", {"roomId": cast.rid, "seconds": 5},
                              to=cast.channel)]

    page = client.get(f"{base}/moderation?limit=1", headers=auth(cast.mia)).get_json()
    assert [r["action"] for r in page["records"]] == ["slow_mode"]
    assert page["records"][0]["actor"] == {"userId": wid(cast.mia), "username": "mia"}
    older = client.get(f"{base}/moderation?before={page['nextBefore']}",
                       headers=auth(cast.mia)).get_json()
    assert [r["action"] for r in older["records"]] == ["appoint_moderator"]
    assert older["nextBefore"] is None
    error_of(client.get(f"{base}/moderation", headers=auth(cast.ana)), 403, "forbidden")
    error_of(client.get("/api/rooms/999/moderation", headers=auth(cast.ana)), 404, "not_found")


def test_event_chat_moderation(client, bus, event):
    hal, ana, room_id = event
    message = do_send_message(ana.actor, RoomRef(room_id, "event"), "hello")
    bus.clear()
    error_of(client.delete(f"/api/events/talk/messages/{int(message['id']) + 1}", headers=auth(hal)),
             404, "not_found")
    assert client.delete(f"/api/events/talk/messages/{message['id']}",
                         headers=auth(hal)).status_code == 204
    assert bus.emits == [Emit("messageDeleted", {"id": message["id"], "eventId": "talk"},
                              to=f"room:{room_id}")]
    bus.clear()
    slow = client.put("/api/events/talk/slow-mode", json={"seconds": 3}, headers=auth(hal))
    assert slow.get_json() == {"seconds": 3}
    assert bus.emits == [Emit("slowMode", {"eventId": "talk", "seconds": 3},
                              to=f"room:{room_id}")]
    assert client.post("/api/events/talk/kicks", json={"userId": uid(ana)},
                       headers=auth(hal)).status_code == 204
    error_of(client.post("/api/events/talk/bans", json={"userId": uid(hal)}, headers=auth(ana)),
             403, "forbidden")
    error_of(client.get("/api/events/nope/moderation", headers=auth(hal)), 404, "not_found")
    assert client.get("/api/events/talk/moderation", headers=auth(hal)).status_code == 200
