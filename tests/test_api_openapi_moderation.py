"""The moderation endpoints in the OpenAPI document: real answers validate against it.

Every test runs twice, under ``/api/rooms/<id>`` (a community room owned by Olga) and under
``/api/events/<id>`` (an event's chat hosted by Olga). Mia moderates, Ana is in the room, Ben
is logged in elsewhere. Requests the server refuses with 400 are refused by the document too.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import pytest

from chatapp.actions.event_lifecycle import new_event
from chatapp.actions.events import do_join_event
from chatapp.actions.membership import do_appoint_moderator
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.moderation import do_ban
from chatapp.actions.rooms import do_create_room
from chatapp.actions.sessions import LoginResult
from chatapp.extensions import db
from chatapp.models import Room
from chatapp.timeutil import utcnow
from tests.moderation_support import left, make_cast, uid, wid  # noqa: F401
from tests.openapi_support import bearer, call, openapi, spec  # noqa: F401
from tests.unit_support import bus, login  # noqa: F401


@dataclass
class Place:
    base: str  # /api/rooms/<id> or /api/events/<id>
    kind: str  # "community" or "event"
    room: Room
    olga: LoginResult
    mia: LoginResult
    ana: LoginResult
    ben: LoginResult

    def auth(self, who: str) -> dict:
        return bearer(getattr(self, who).token)

    def post(self, text: str = "hello") -> int:
        return do_send_message(self.ana.actor, RoomRef(self.room.id, self.kind), text)["id"]


def event_place(bus) -> Place:  # noqa: F811
    olga, mia = login(bus, "sid-o", "olga"), login(bus, "sid-m", "mia")
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    event = new_event("talk", "Talk", host_id=uid(olga), starts_at=utcnow() - timedelta(minutes=1))
    db.session.commit()
    do_appoint_moderator(olga.actor, event.room, uid(mia))
    for sid, who in (("sid-m", mia), ("sid-a", ana)):
        do_join_event(sid, who.actor, "talk", leaving_room_id=None)
    bus.clear()
    return Place("/api/events/talk", "event", event.room, olga, mia, ana, ben)


@pytest.fixture(params=["rooms", "events"])
def place(request, app, bus, left) -> Place:  # noqa: F811
    app.config["RATE_LIMIT_REST_WRITES_GUEST"] = "600/minute"  # these guests write a lot
    if request.param == "events":
        return event_place(bus)
    cast = make_cast(bus)
    return Place(f"/api/rooms/{cast.rid}", "community", cast.room, cast.olga, cast.mia,
                 cast.ana, cast.ben)


def code(response) -> str:
    return response.get_json()["error"]["code"]


# --- success and refusal of each endpoint ---------------------------------------------------

def test_delete_message(call, place):
    url = f"{place.base}/messages/{place.post()}"
    call("DELETE", url, 401, request_ok=False)
    assert code(call("DELETE", url, 403, headers=place.auth("ben"))) == "forbidden"
    call("DELETE", url, 204, headers=place.auth("mia"))
    assert code(call("DELETE", url, 404, headers=place.auth("mia"))) == "not_found"
    call("DELETE", f"{place.base}/messages/{place.post()}", 204, headers=place.auth("ana"))
    call("DELETE", f"{place.base}/messages/999", 404, headers=place.auth("olga"))


def test_ban_and_unban(call, place):
    url, ana = f"{place.base}/bans", wid(place.ana)
    banned = call("POST", url, 201, headers=place.auth("mia"),
                  json={"userId": ana, "reason": "  spam  "}).get_json()
    assert (banned["userId"], banned["reason"], banned["bannedBy"]) == (ana, "spam", wid(place.mia))
    call("POST", url, 409, headers=place.auth("mia"), json={"userId": ana})
    shut = call("GET", f"{place.base}/moderation", 403, headers=place.auth("ana"))
    assert code(shut) == "banned"
    call("POST", url, 403, headers=place.auth("mia"), json={"userId": uid(place.olga)})
    call("POST", url, 404, headers=place.auth("mia"), json={"userId": 999})
    call("DELETE", f"{url}/{ana}", 204, headers=place.auth("mia"))
    call("DELETE", f"{url}/{ana}", 404, headers=place.auth("mia"))
    call("DELETE", f"{url}/{ana}", 403, headers=place.auth("ben"))
    again = call("POST", url, 201, headers=place.auth("olga"), json={"userId": f" {ana} "})
    assert again.get_json()["reason"] == ""  # an id as a string of digits, no reason


def test_mute_and_unmute(call, place):
    url, ana = f"{place.base}/mutes", wid(place.ana)
    muted = call("POST", url, 201, headers=place.auth("mia"), json={"userId": ana, "seconds": 60})
    assert muted.get_json()["userId"] == ana and muted.get_json()["until"].endswith("Z")
    call("POST", url, 403, headers=place.auth("ana"), json={"userId": uid(place.ben), "seconds": 5})
    call("POST", url, 404, headers=place.auth("mia"), json={"userId": 999, "seconds": 5})
    call("DELETE", f"{url}/{ana}", 204, headers=place.auth("mia"))
    call("DELETE", f"{url}/{ana}", 404, headers=place.auth("mia"))
    call("DELETE", f"{url}/{uid(place.mia)}", 403, headers=place.auth("mia"))


def test_kick(call, place):
    url, ana = f"{place.base}/kicks", uid(place.ana)
    call("POST", url, 403, headers=place.auth("ben"), json={"userId": ana})
    call("POST", url, 204, headers=place.auth("mia"), json={"userId": ana})
    call("POST", url, 404, headers=place.auth("mia"), json={"userId": ana})  # no longer in it
    call("POST", url, 403, headers=place.auth("mia"), json={"userId": uid(place.olga)})


def test_members_and_moderators(call, place):
    url, ben = f"{place.base}/members", wid(place.ben)
    appointed = call("POST", url, 200, headers=place.auth("olga"),
                     json={"userId": ben, "role": "moderator"}).get_json()
    assert appointed == {"userId": ben, "role": "moderator"}
    dismissed = call("POST", url, 200, headers=place.auth("olga"), json={"userId": ben})
    assert dismissed.get_json()["role"] == "member"
    call("POST", url, 403, headers=place.auth("mia"), json={"userId": ben})
    call("POST", url, 404, headers=place.auth("olga"), json={"userId": 999})
    call("DELETE", f"{url}/{ben}", 204, headers=place.auth("olga"))
    call("DELETE", f"{url}/{ben}", 404, headers=place.auth("olga"))
    call("DELETE", f"{url}/{uid(place.mia)}", 403, headers=place.auth("mia"))
    do_ban(place.mia.actor, place.room, uid(place.ana))
    refused = call("POST", url, 409, headers=place.auth("olga"),
                   json={"userId": uid(place.ana), "role": "moderator"})
    assert code(refused) == "conflict"


def slow_mode(place: Place, seconds: object) -> tuple[str, str, dict]:
    if place.base.startswith("/api/events/"):
        return "PUT", f"{place.base}/slow-mode", {"seconds": seconds}
    return "PATCH", place.base, {"slowModeSeconds": seconds}


def test_slow_mode(call, place):
    method, url, body = slow_mode(place, 5)
    answer = call(method, url, 200, headers=place.auth("mia"), json=body).get_json()
    assert answer.get("seconds", answer.get("slowModeSeconds")) == 5
    call(method, url, 200, headers=place.auth("mia"), json=slow_mode(place, 0)[2])
    call(method, url, 403, headers=place.auth("ana"), json=body)


def test_moderation_record(call, place):
    call("DELETE", f"{place.base}/messages/{place.post()}", 204, headers=place.auth("mia"))
    method, url, body = slow_mode(place, 3)
    call(method, url, 200, headers=place.auth("olga"), json=body)
    page = call("GET", f"{place.base}/moderation?limit=1", 200, headers=place.auth("mia"))
    newest = page.get_json()["records"]
    assert [(r["action"], r["target"]) for r in newest] == [("slow_mode", None)]
    before = page.get_json()["nextBefore"]
    rest = call("GET", f"{place.base}/moderation?before={before}&limit=500", 200,
                headers=place.auth("olga")).get_json()
    assert [r["action"] for r in rest["records"]] == ["delete_message", "appoint_moderator"]
    assert rest["records"][0]["messageId"] and rest["nextBefore"] is None
    call("GET", f"{place.base}/moderation", 403, headers=place.auth("ana"))


# --- refusals common to every endpoint ------------------------------------------------------

def operations(place: Place) -> list[tuple[str, str, dict | None]]:
    """Every moderation operation of the place, with a body the document accepts."""
    target = {"userId": uid(place.ana)}
    return [("DELETE", f"{place.base}/messages/1", None),
            ("POST", f"{place.base}/bans", target),
            ("DELETE", f"{place.base}/bans/1", None),
            ("POST", f"{place.base}/mutes", {**target, "seconds": 5}),
            ("DELETE", f"{place.base}/mutes/1", None),
            ("POST", f"{place.base}/kicks", target),
            ("POST", f"{place.base}/members", target),
            ("DELETE", f"{place.base}/members/1", None),
            ("GET", f"{place.base}/moderation", None),
            slow_mode(place, 1)]


def test_every_operation_needs_a_token(call, place):
    for method, url, body in operations(place):
        missing = call(method, url, 401, request_ok=False, json=body)
        forged = call(method, url, 401, headers=bearer("forged"), json=body)
        assert (code(missing), code(forged)) == ("not_logged_in", "auth_failed")


def test_every_operation_of_an_unknown_place_is_not_found(call, place):
    private = do_create_room("sid-b", place.ben.actor, {"name": "Secret", "isPrivate": True})
    unknown = "/api/events/nope" if place.kind == "event" else "/api/rooms/999"
    for base in (unknown, f"/api/rooms/{private.id}"):  # a private room hides from outsiders
        for method, url, body in operations(replace(place, base=base)):
            call(method, url, 404, headers=place.auth("olga"), json=body)


def test_every_write_is_rate_limited(call, app, place):
    app.config["RATE_LIMIT_REST_WRITES"] = app.config["RATE_LIMIT_REST_WRITES_GUEST"] = "1/minute"
    writes = [op for op in operations(place) if op[0] != "GET"]
    call(*writes[0][:2], 404, headers=place.auth("olga"), json=writes[0][2])
    for method, url, body in writes:
        limited = call(method, url, 429, headers=place.auth("olga"), json=body)
        assert code(limited) == "rate_limited" and int(limited.headers["Retry-After"]) > 0


BAD_BODIES = [  # (operation, body) the server refuses with 400; "{uid}" stands for Ana's id
    ("bans", ["userId"]), ("bans", {}), ("bans", {"userId": None}), ("bans", {"userId": True}),
    ("bans", {"userId": 1.5}), ("bans", {"userId": ""}), ("bans", {"userId": "x" * 65}),
    ("bans", {"userId": "{uid}", "reason": 5}),
    ("bans", {"userId": "{uid}", "reason": "a\u0007b"}),
    ("mutes", {"userId": "{uid}"}), ("mutes", {"userId": "{uid}", "seconds": 0}),
    ("mutes", {"userId": "{uid}", "seconds": 604801}),
    ("mutes", {"userId": "{uid}", "seconds": "5"}),
    ("mutes", {"userId": "{uid}", "seconds": True}), ("mutes", {"seconds": 5}),
    ("kicks", {}), ("kicks", {"userId": [1]}), ("kicks", "{uid}"),
    ("members", {"userId": "{uid}", "role": "owner"}),
    ("members", {"userId": "{uid}", "role": None}), ("members", {"role": "moderator"}),
    ("slow", {}), ("slow", -1), ("slow", 3601), ("slow", "5"), ("slow", 2.5), ("slow", None),
]


def fill(body, user_id: int):
    if isinstance(body, dict):
        return {k: user_id if v == "{uid}" else v for k, v in body.items()}
    return user_id if body == "{uid}" else body


@pytest.mark.parametrize("operation, body", BAD_BODIES)
def test_invalid_bodies_are_refused_by_both(call, place, operation, body):
    method, url, body = "POST", f"{place.base}/{operation}", fill(body, uid(place.ana))
    if operation == "slow":  # the value of slowModeSeconds (room) or seconds (event)
        method, url, seconds = slow_mode(place, body)
        body = {} if body == {} else seconds
    response = call(method, url, 400, request_ok=False, headers=place.auth("olga"), json=body)
    assert code(response) == "invalid"


def test_non_json_bodies_are_refused_by_both(call, place):
    for method, url, _ in operations(place):
        if method in ("POST", "PATCH", "PUT"):
            call(method, url, 400, request_ok=False, headers=place.auth("olga"),
                 data="userId=1", content_type="application/x-www-form-urlencoded")
            call(method, url, 400, request_ok=False, headers=place.auth("olga"))
            call(method, url, 400, request_ok=False, headers=place.auth("olga"),
                 data="{", content_type="application/json")


@pytest.mark.parametrize("query", ["before=0", "before=abc", "before=1234567890123456789",
                                   "limit=0", "limit=ten"])
def test_record_bad_query(call, place, query):
    call("GET", f"{place.base}/moderation?{query}", 400, request_ok=False,
         headers=place.auth("mia"))


def test_too_long_ban_reason(call, place):
    response = call("POST", f"{place.base}/bans", 413, request_ok=False,
                    headers=place.auth("mia"), json={"userId": uid(place.ana), "reason": "x" * 201})
    assert response.get_json()["error"]["fields"] == {"reason": "at most 200 characters"}
    padded = {"userId": uid(place.ana), "reason": " " * 50 + "x" * 200 + "\n"}
    call("POST", f"{place.base}/bans", 201, headers=place.auth("mia"), json=padded)
