"""REST for an event's stage (``/api/events/<id>/questions``, ``/polls``, ``/announcement``):
every answer validates against the OpenAPI document, the event hears what the socket path
sends, and only the host and moderators mark questions, open or close polls and pin notes."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chatapp.actions.event_lifecycle import new_event
from chatapp.actions.membership import do_appoint_moderator
from chatapp.extensions import db
from chatapp.timeutil import utcnow
from tests.openapi_support import bearer, call, openapi, spec  # noqa: F401
from tests.unit_support import bus, login  # noqa: F401

BASE = "/api/events/talk"


@pytest.fixture
def people(app, bus):  # noqa: F811
    app.config["RATE_LIMIT_REST_WRITES_GUEST"] = "600/minute"
    olga, mia = login(bus, "sid-o", "olga"), login(bus, "sid-m", "mia")
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    event = new_event("talk", "Talk", host_id=olga.actor.user_id,
                      starts_at=utcnow() - timedelta(minutes=1))
    db.session.commit()
    do_appoint_moderator(olga.actor, event.room, mia.actor.user_id)
    bus.clear()
    return {name: bearer(who.token) for name, who in
            (("olga", olga), ("mia", mia), ("ana", ana), ("ben", ben))}


def code_of(response) -> str:
    return response.get_json()["error"]["code"]


def test_questions_over_rest(call, bus, people):  # noqa: F811
    asked = call("POST", f"{BASE}/questions", 201, headers=people["ana"],
                 json={"text": "Why?", "anonymous": True}).get_json()
    assert (asked["author"], asked["votes"]) == (None, 0)
    assert [e.event for e in bus.emits] == ["questionAsked"]
    voted = call("PUT", f"{BASE}/questions/{asked['id']}/vote", 201, headers=people["ben"])
    assert voted.get_json()["votes"] == 1
    again = call("PUT", f"{BASE}/questions/{asked['id']}/vote", 409, headers=people["ben"])
    assert code_of(again) == "conflict"
    listed = call("GET", f"{BASE}/questions", 200, headers=people["ben"]).get_json()
    assert listed["myVotes"] == [asked["id"]] and "askedBy" not in listed["questions"][0]
    staff = call("GET", f"{BASE}/questions", 200, headers=people["mia"]).get_json()
    assert staff["questions"][0]["askedBy"]["username"] == "ana"
    anonymous = call("GET", f"{BASE}/questions", 200).get_json()
    assert anonymous["myVotes"] == [] and anonymous["questions"][0]["votes"] == 1
    call("DELETE", f"{BASE}/questions/{asked['id']}/vote", 200, headers=people["ben"])
    forbidden = call("PATCH", f"{BASE}/questions/{asked['id']}", 403, headers=people["ana"],
                     json={"status": "answered"})
    assert code_of(forbidden) == "forbidden"
    bus.clear()
    marked = call("PATCH", f"{BASE}/questions/{asked['id']}", 200, headers=people["mia"],
                  json={"pinned": True}).get_json()
    assert marked["pinned"] is True and marked["askedBy"]["username"] == "ana"
    assert [(e.event, e.data["pinned"]) for e in bus.emits] == [("questionUpdated", True)]
    call("POST", f"{BASE}/questions", 401, request_ok=False, json={"text": "who am I"})
    bad = call("POST", f"{BASE}/questions", 400, request_ok=False, headers=people["ana"],
               json={"text": ""})
    assert code_of(bad) == "invalid"
    call("PUT", f"{BASE}/questions/999/vote", 404, headers=people["ben"])
    call("GET", "/api/events/nope/questions", 404)


def test_polls_over_rest(call, bus, people):  # noqa: F811
    body = {"question": "Best talk?", "options": ["one", "two", "three"], "multiple": True}
    assert code_of(call("POST", f"{BASE}/polls", 403, headers=people["ana"], json=body)) == \
        "forbidden"
    poll = call("POST", f"{BASE}/polls", 201, headers=people["olga"], json=body).get_json()
    vote = call("PUT", f"{BASE}/polls/{poll['id']}/vote", 200, headers=people["ana"],
                json={"choices": [0, 2]}).get_json()
    assert ([o["votes"] for o in vote["options"]], vote["myChoices"]) == ([1, 0, 1], [0, 2])
    call("PUT", f"{BASE}/polls/{poll['id']}/vote", 200, headers=people["ana"],
         json={"choices": [1]})
    listed = call("GET", f"{BASE}/polls", 200, headers=people["ana"]).get_json()
    assert ([o["votes"] for o in listed[0]["options"]], listed[0]["voters"],
            listed[0]["myChoices"]) == ([0, 1, 0], 1, [1])
    call("PATCH", f"{BASE}/polls/{poll['id']}", 403, headers=people["ben"], json={"closed": True})
    call("PATCH", f"{BASE}/polls/{poll['id']}", 400, request_ok=False, headers=people["olga"],
         json={"closed": False})
    closed = call("PATCH", f"{BASE}/polls/{poll['id']}", 200, headers=people["mia"],
                  json={"closed": True}).get_json()
    assert closed["closed"] and closed["closedAt"]
    late = call("PUT", f"{BASE}/polls/{poll['id']}/vote", 409, headers=people["ben"],
                json={"choices": [0]})
    assert code_of(late) == "conflict"
    assert [e.event for e in bus.emits] == ["pollOpened", "pollUpdated", "pollUpdated",
                                            "pollClosed"]
    assert call("GET", f"{BASE}/polls", 200).get_json()[0]["closed"] is True


def test_announcement_over_rest(call, bus, people):  # noqa: F811
    assert call("GET", f"{BASE}/announcement", 200).get_json()["text"] is None
    call("PUT", f"{BASE}/announcement", 403, headers=people["ana"], json={"text": "mine"})
    set_ = call("PUT", f"{BASE}/announcement", 200, headers=people["olga"],
                json={"text": "Slides at example.org"}).get_json()
    assert set_["by"]["username"] == "olga"
    assert call("GET", f"{BASE}/announcement", 200).get_json()["text"] == "Slides at example.org"
    call("DELETE", f"{BASE}/announcement", 200, headers=people["mia"])
    assert call("GET", f"{BASE}/announcement", 200).get_json()["text"] is None
    assert [(e.event, e.data["text"]) for e in bus.emits] == \
        [("announcement", "Slides at example.org"), ("announcement", None)]


def test_the_transcript_holds_the_questions_anonymous_ones_unnamed(call, people):  # noqa: F811
    secret = call("POST", f"{BASE}/questions", 201, headers=people["ana"],
                  json={"text": "Secret *question*", "anonymous": True}).get_json()
    named = call("POST", f"{BASE}/questions", 201, headers=people["ben"],
                 json={"text": "Named question"}).get_json()
    call("PUT", f"{BASE}/questions/{named['id']}/vote", 201, headers=people["ana"])
    body = call("GET", f"{BASE}/transcript?format=json", 200).get_json()
    assert [(q["id"], q["author"] and q["author"]["username"]) for q in body["questions"]] == \
        [(named["id"], "ben"), (secret["id"], None)]
    text = call("GET", f"{BASE}/transcript", 200).get_data(as_text=True)
    assert "[1 votes, open] ben: Named question" in text
    assert "anonymous: Secret *question*" in text and "ana" not in text
    markdown = call("GET", f"{BASE}/transcript?format=md", 200).get_data(as_text=True)
    assert r"Secret \*question\* (anonymous, 0 votes, open)" in markdown


def test_the_summary_and_its_plot(call, people):  # noqa: F811
    from chatapp.actions.events import do_join_event
    from chatapp.actions.messages import RoomRef, do_send_message
    from chatapp.queries.events import get_event
    from chatapp.security.identity import Actor

    event = get_event("talk")
    olga = Actor.of(event.host)  # the host watches and talks
    do_join_event("sid-o", olga, "talk", leaving_room_id=None)
    for text in ("one", "two", "three"):
        do_send_message(olga, RoomRef(event.room_id, "event"), text)
    asked = call("POST", f"{BASE}/questions", 201, headers=people["ana"],
                 json={"text": "What is next?"}).get_json()
    call("PATCH", f"{BASE}/questions/{asked['id']}", 200, headers=people["olga"],
         json={"status": "answered"})
    poll = call("POST", f"{BASE}/polls", 201, headers=people["olga"],
                json={"question": "Again?", "options": ["yes", "no"]}).get_json()
    call("PUT", f"{BASE}/polls/{poll['id']}/vote", 200, headers=people["ben"], json={"choices": [0]})
    report = call("GET", f"{BASE}/summary", 200).get_json()
    assert report["totals"] == {"messages": 3, "questions": 1, "answered": 1, "polls": 1,
                                "peakViewers": 1, "uniqueViewers": 1}
    assert sum(p["count"] for p in report["messagesPerMinute"]) == 3
    assert report["viewersPerMinute"][-1]["count"] == 1
    assert report["polls"][0]["options"][0]["votes"] == 1
    plot = call("GET", f"{BASE}/summary.svg", 200)
    assert plot.mimetype == "image/svg+xml"
    svg = plot.get_data(as_text=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for title in ("Messages per minute", "Viewers over time", "What is next?", "P1 yes"):
        assert title in svg, title
    call("GET", "/api/events/ghost/summary.svg", 404)


def test_the_summary_page_shows_figures_plot_and_downloads_inertly(client, call, people):  # noqa: F811
    from tests.page_support import XSS_PAYLOADS, inert_problems, links

    payload = XSS_PAYLOADS[0]
    call("POST", f"{BASE}/questions", 201, headers=people["ana"], json={"text": payload})
    call("POST", f"{BASE}/polls", 201, headers=people["olga"],
         json={"question": "Which?", "options": [payload, "plain"]})
    page = client.get("/events/talk/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert inert_problems(html, [payload]) == []
    targets = {a.get("href") for a in links(html)}
    assert {"/api/events/talk/summary.svg", "/api/events/talk/summary",
            "/api/events/talk/transcript?format=csv"} <= targets
    assert 'id="summary-plot" src="/api/events/talk/summary.svg"' in html
    assert 'data-figure="questions">1 (0 answered)' in html
    assert client.get("/events/ghost/summary").status_code == 404
    assert "/events/talk/summary" in client.get("/events/talk").get_data(as_text=True)


def test_held_messages_over_rest(call, bus, people):  # noqa: F811
    from chatapp.actions.messages import RoomRef, do_send_message
    from chatapp.queries.events import get_event
    from chatapp.security.identity import Actor, user_from_token

    event = call("PATCH", BASE, 200, headers=people["olga"], json={"moderatedChat": True})
    assert event.get_json()["moderatedChat"] is True
    ana = Actor.of(user_from_token(people["ana"]["Authorization"].split()[1]))
    held = do_send_message(ana, RoomRef(get_event("talk").room_id, "event"), "wait for me")
    assert call("GET", f"{BASE}/held", 200, headers=people["ana"]).get_json()[0]["id"] == held["id"]
    assert call("GET", f"{BASE}/held", 200, headers=people["ben"]).get_json() == []
    call("GET", f"{BASE}/held", 401, request_ok=False)
    path = f"{BASE}/held/{held['id']}"
    call("PATCH", path, 403, headers=people["ben"], json={"decision": "approve"})
    call("PATCH", path, 400, request_ok=False, headers=people["mia"], json={"decision": "later"})
    decided = call("PATCH", path, 200, headers=people["mia"], json={"decision": "reject"}).get_json()
    assert (decided["status"], decided["messageId"]) == ("rejected", None)
    call("PATCH", path, 409, headers=people["olga"], json={"decision": "approve"})
    assert call("GET", BASE, 200).get_json()["messages"] == []
