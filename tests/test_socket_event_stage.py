"""The event stage over real sockets against a real server: Q&A, polls and the pinned
announcement as the audience and the host see them live, authorization included, one vote
per person across tabs, and an old live-event client that hears nothing it must handle."""
from __future__ import annotations

import time

from tests.event_support import api, assert_refused, join_event, say, second_tab
from tests.helpers import settle


def setup_event(connect, unique):
    """Hana hosts an ad-hoc event (she joined first); Ana and Ben are in the audience."""
    eid = unique("stage")
    hana, ana, ben = connect(), connect(), connect()
    join_event(hana, eid, unique("hana"))
    join_event(ana, eid, unique("ana"))
    join_event(ben, eid, unique("ben"))
    return eid, hana, ana, ben


def test_questions_live_sorted_by_votes_anonymous_to_the_audience(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    ack = ana.call("askQuestion", {"text": "Anonymous one", "anonymous": True})
    assert ack["ok"] and ack["question"]["author"] is None
    first = ack["question"]
    second = ben.call("askQuestion", {"eventId": eid, "text": "Named one"})["question"]
    assert second["author"]["username"] == ben.user["username"]
    for client in (hana, ana, ben):
        heard = client.wait_for("questionAsked", lambda q: q["id"] == first["id"])
        assert heard["author"] is None and "askedBy" not in heard
    assert ana.call("voteQuestion", {"questionId": second["id"]})["question"]["votes"] == 1
    tab = second_tab(connect, ana)  # the same person in another tab: still one vote
    join_event(tab, eid)
    assert_refused(tab, "voteQuestion", {"questionId": second["id"]}, code="conflict")
    update = hana.wait_for("questionUpdated", lambda q: q["id"] == second["id"])
    assert update["votes"] == 1
    listed = ben.call("getQuestions", {})
    assert [q["id"] for q in listed["questions"]] == [second["id"], first["id"]]
    staff = hana.call("getQuestions", {})["questions"]
    assert {q["id"]: q["askedBy"]["username"] for q in staff}[first["id"]] == ana.user["username"]


def test_only_the_host_or_moderators_mark_questions(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    question = ana.call("askQuestion", {"text": "Pin me?"})["question"]
    assert_refused(ben, "markQuestion", {"questionId": question["id"], "pinned": True},
                   code="forbidden")
    assert_refused(ana, "markQuestion", {"questionId": question["id"], "status": "answered"},
                   code="forbidden")
    assert hana.call("setModerator", {"eventId": eid, "username": ben.user["username"],
                                      "isModerator": True})["ok"]
    pinned = ben.call("markQuestion", {"questionId": question["id"], "pinned": True})
    assert pinned["ok"] and pinned["question"]["pinned"] is True
    assert ana.wait_for("questionUpdated", lambda q: q["pinned"])["id"] == question["id"]
    answered = hana.call("markQuestion", {"eventId": eid, "questionId": question["id"],
                                          "status": "answered"})["question"]
    assert (answered["status"], answered["pinned"]) == ("answered", False)
    ana.wait_for("questionUpdated", lambda q: q["status"] == "answered")


def test_polls_live_results_changeable_vote_and_closed_polls_stay(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    assert_refused(ana, "openPoll", {"question": "Mine?", "options": ["a", "b"]},
                   code="forbidden")
    poll = hana.call("openPoll", {"question": "Coffee or tea?",
                                  "options": ["coffee", "tea"]})["poll"]
    assert ben.wait_for("pollOpened")["id"] == poll["id"]
    assert ana.call("votePoll", {"pollId": poll["id"], "choices": [0]})["poll"]["myChoices"] == [0]
    results = ben.wait_for("pollUpdated", lambda p: p["voters"] == 1)
    assert [o["votes"] for o in results["options"]] == [1, 0]
    ana.call("votePoll", {"pollId": poll["id"], "choices": [1]})  # changed her mind
    results = ben.wait_for("pollUpdated", lambda p: p["options"][1]["votes"] == 1)
    assert (results["voters"], results["options"][0]["votes"]) == (1, 0)
    assert_refused(ben, "votePoll", {"pollId": poll["id"], "choices": [0, 1]}, code="invalid")
    assert_refused(ben, "closePoll", {"pollId": poll["id"]}, code="forbidden")
    assert hana.call("closePoll", {"pollId": poll["id"]})["poll"]["closed"] is True
    assert ana.wait_for("pollClosed")["options"][1]["votes"] == 1
    assert_refused(ben, "votePoll", {"pollId": poll["id"], "choices": [0]}, code="conflict")
    polls = api(server, "GET", f"/api/events/{eid}/polls", ana.token).json()
    assert (polls[0]["closed"], polls[0]["myChoices"]) == (True, [1])


def test_the_announcement_is_pinned_for_everyone_and_kept_for_latecomers(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    assert_refused(ana, "setAnnouncement", {"text": "I am the host now"}, code="forbidden")
    assert hana.call("setAnnouncement", {"text": "Q&A at 3pm"})["ok"]
    for client in (ana, ben):
        heard = client.wait_for("announcement")
        assert (heard["text"], heard["by"]["username"]) == ("Q&A at 3pm", hana.user["username"])
    late = connect()
    join_event(late, eid, unique("late"))
    assert late.call("getPolls", {})["announcement"]["text"] == "Q&A at 3pm"


def test_stage_requests_need_an_identity_and_an_event(server, connect, unique):
    stranger = connect()
    assert_refused(stranger, "askQuestion", {"text": "hi"}, code="not_logged_in")
    stranger.login(unique("lone"))
    assert_refused(stranger, "askQuestion", {"text": "hi"}, code="not_member")
    assert_refused(stranger, "askQuestion", {"eventId": unique("none"), "text": "hi"},
                   code="not_found")
    assert_refused(stranger, "voteQuestion", "nope", code="invalid")


def test_an_old_client_in_the_event_keeps_chatting_unchanged(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    ana.call("askQuestion", {"text": "q"})
    hana.call("openPoll", {"question": "p", "options": ["a", "b"]})
    message = say(ben, "plain chat still works")
    assert hana.wait_for("newMessage")["id"] == message["id"]
    settle()
    history = api(server, "GET", f"/api/events/{eid}").json()
    assert [m["text"] for m in history["messages"]] == ["plain chat still works"]


def test_reactions_are_summed_into_a_few_frames(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    for _ in range(8):
        ana.sio.emit("react", {"emoji": "👏"})  # old-style: no acknowledgement asked
        ben.sio.emit("react", "🎉")
    assert ben.call("react", {"emoji": "👏"}) == {"ok": True}
    assert_refused(ana, "react", {"emoji": "💩"}, code="invalid")
    assert_refused(ana, "react", {"emoji": "👏", "count": 11}, code="invalid")
    assert hana.call("react", {"emoji": "👏", "count": 5}) == {"ok": True}  # a batch of presses

    def summed(frames) -> dict[str, int]:
        total: dict[str, int] = {}
        for frame in frames:
            for emoji, n in frame["counts"].items():
                total[emoji] = total.get(emoji, 0) + n
        return total

    frames, deadline = [], time.monotonic() + 5
    while time.monotonic() < deadline and summed(frames) != {"👏": 14, "🎉": 8}:
        time.sleep(0.1)
        frames = hana.received("reactions", lambda f: f["eventId"] == eid)
    assert summed(frames) == {"👏": 14, "🎉": 8}, frames
    # 22 presses in well under a second reach the viewer as one or two frames, not 22.
    assert 1 <= len(frames) <= 3, frames
    assert all(f["interval"] == 0.5 for f in frames)
    outsider = connect()
    join_event(outsider, unique("elsewhere"), unique("out"))
    settle()
    assert outsider.received("reactions") == []


def summed_reactions(client, eid: str, want: dict[str, int]) -> dict[str, int]:
    """The counts of every ``reactions`` frame ``client`` heard for ``eid``, summed; waits
    (up to a few seconds) for them to reach ``want``."""
    total: dict[str, int] = {}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        total = {}
        for frame in client.received("reactions", lambda f: f["eventId"] == eid):
            for emoji, n in frame["counts"].items():
                total[emoji] = total.get(emoji, 0) + n
        if total == want:
            break
        time.sleep(0.1)
    return total


def test_reactions_follow_the_socket_and_refusals_stay_whole(server, connect, unique):
    """Presses take a fast path once the event is known; it must count them for the event
    the socket is in now, exactly once, and leave every refusal to the ordinary path."""
    eid, hana, ana, ben = setup_event(connect, unique)
    assert ana.call("react", {"emoji": "👍", "count": 2}) == {"ok": True}  # warms the path
    assert ana.call("react", {"emoji": "👍", "count": 3}) == {"ok": True}
    assert ana.call("react", {"emoji": "🎉", "count": 1, "eventId": eid}) == {"ok": True}
    assert_refused(ana, "react", ["👍"], code="invalid")
    assert_refused(ana, "react", {"emoji": "👍", "count": 0}, code="invalid")
    assert_refused(ana, "react", {"emoji": "👍", "count": True}, code="invalid")
    assert summed_reactions(hana, eid, {"👍": 5, "🎉": 1}) == {"👍": 5, "🎉": 1}
    assert ben.call("leaveEvent")["ok"]
    assert_refused(ben, "react", {"emoji": "👍"}, code="not_member")
    other = unique("other")
    join_event(ben, other)
    watcher = connect()
    join_event(watcher, other, unique("watch"))
    assert ben.call("react", {"emoji": "😮", "count": 4}) == {"ok": True}
    assert summed_reactions(watcher, other, {"😮": 4}) == {"😮": 4}
    settle()
    assert summed_reactions(hana, eid, {"👍": 5, "🎉": 1}) == {"👍": 5, "🎉": 1}


def test_reaction_frames_are_volatile(server, connect, unique):
    """A ``reactions`` frame carries no recovery offset: a reconnect does not replay it."""
    eid, hana, ana, ben = setup_event(connect, unique)
    assert ana.call("react", {"emoji": "👏"}) == {"ok": True}
    hana.wait_for("reactions", lambda f: f["eventId"] == eid)
    message = say(ben, "after the applause")
    hana.wait_for("newMessage", lambda m: m["id"] == message["id"])
    reactions = len(hana.received("reactions"))
    assert len(hana.offsets) == len(hana.events) - reactions >= 1


def test_a_person_pressing_too_fast_is_refused(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    acks = [ana.call("react", {"emoji": "👍"}) for _ in range(25)]
    # At most 10 a second: 25 quick presses span at most two seconds' windows.
    assert sum(1 for a in acks if a["ok"]) <= 20
    refused = [a for a in acks if a.get("error", {}).get("code") == "rate_limited"]
    assert refused
    # Each refusal is also the "error" event, for pages that do not wait for acks.
    errors = ana.wait_for("error", lambda e: e["event"] == "react", count=len(refused))
    assert errors["code"] == "rate_limited"
    assert len(ana.received("error", lambda e: e["event"] == "react")) == len(refused)


def test_viewer_count_peak_and_unique_viewers_go_out_in_events_update(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    of_event = lambda s: s["id"] == eid  # noqa: E731
    assert hana.wait_for("events:update", lambda s: of_event(s) and s["viewers"] == 3)
    assert ben.call("leaveEvent")["ok"]
    after = hana.wait_for("events:update", lambda s: of_event(s) and s["viewers"] == 2
                          and s["peakViewers"] == 3)
    assert (after["uniqueViewers"], after["participantCount"]) == (3, 2)
    tab = second_tab(connect, ana)  # the same person again: not a new unique viewer
    join_event(tab, eid)
    join_event(ben, eid)
    back = hana.wait_for("events:update", lambda s: of_event(s) and s["viewers"] == 3, count=2)
    details = api(server, "GET", f"/api/events/{eid}").json()
    assert (details["viewers"], details["peakViewers"], details["uniqueViewers"]) == (3, 3, 3)
    assert back["uniqueViewers"] == 3


def test_moderated_chat_over_sockets(server, connect, unique):
    eid, hana, ana, ben = setup_event(connect, unique)
    response = api(server, "PATCH", f"/api/events/{eid}", hana.token, json={"moderatedChat": True})
    assert response.status_code == 200 and response.json()["moderatedChat"] is True
    ack = ana.call("sendMessage", "please let me in")
    assert ack["ok"] and ack["message"]["held"] is True
    mine = ana.wait_for("messageHeld")
    assert (mine["text"], mine["status"]) == ("please let me in", "pending")
    assert hana.wait_for("messageHeld")["id"] == mine["id"]
    assert [h["id"] for h in ana.call("getHeldMessages", {})["held"]] == [mine["id"]]
    assert ben.call("getHeldMessages", {})["held"] == []
    assert_refused(ben, "decideHeldMessage", {"heldId": mine["id"], "decision": "approve"},
                   code="forbidden")
    decided = hana.call("decideHeldMessage", {"heldId": mine["id"], "decision": "approve"})
    assert decided["ok"] and decided["held"]["status"] == "approved"
    posted = ben.wait_for("newMessage")
    assert (posted["text"], posted["username"], posted["id"]) == \
        ("please let me in", ana.user["username"], decided["held"]["messageId"])
    assert ana.wait_for("heldMessageResolved")["status"] == "approved"
    settle()
    assert ben.received("messageHeld") == [] and ben.received("heldMessageResolved") == []
    host_says = say(hana, "the host is never held")
    assert ana.wait_for("newMessage", lambda m: m["id"] == host_says["id"])
