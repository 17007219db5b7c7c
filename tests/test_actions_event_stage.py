"""The stage actions in process: what each writes and exactly which events it sends, who may
do what, and one vote per person (the database refuses a second)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chatapp.actions.event_announcement import do_set_announcement
from chatapp.actions.event_lifecycle import new_event
from chatapp.actions.event_polls import do_close_poll, do_open_poll, do_vote_poll
from chatapp.actions.event_questions import (
    do_ask_question,
    do_mark_question,
    do_vote_question,
)
from chatapp.actions.event_viewers import note_viewers
from chatapp.actions.membership import do_appoint_moderator
from chatapp.actions.moderation import do_mute
from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import (
    Event,
    EventPollBallot,
    EventQuestion,
    EventQuestionVote,
    EventViewerSample,
)
from chatapp.queries.stage_view import polls_view, questions_view
from chatapp.timeutil import utcnow
from tests.unit_support import bus, count, login  # noqa: F401


@pytest.fixture
def stage(bus):  # noqa: F811
    """Olga hosts "talk", Mia moderates it, Ana and Ben are in the audience."""
    olga, mia = login(bus, "sid-o", "olga"), login(bus, "sid-m", "mia")
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    event = new_event("talk", "Talk", host_id=olga.actor.user_id,
                      starts_at=utcnow() - timedelta(minutes=1))
    db.session.commit()
    do_appoint_moderator(olga.actor, event.room, mia.actor.user_id)
    bus.clear()
    return {"olga": olga.actor, "mia": mia.actor, "ana": ana.actor, "ben": ben.actor,
            "room": f"room:{event.room_id}", "event": event}


def refused(code: str, call, *args):
    with pytest.raises(ChatError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value.to_dict()
    return caught.value


def test_an_anonymous_question_hides_its_author_from_the_audience_not_the_host(bus, stage):  # noqa: F811
    question = do_ask_question(stage["ana"], "talk", "  What about scale?  ", True)
    assert (question["text"], question["anonymous"], question["author"]) == \
        ("What about scale?", True, None)
    assert "askedBy" not in question
    [emit] = bus.emits
    assert (emit.event, emit.to, emit.data) == ("questionAsked", stage["room"], question)
    # The record keeps the asker; staff see them, the audience does not.
    assert db.session.get(EventQuestion, question["id"]).author_id == stage["ana"].user_id
    staff_view = questions_view(stage["event"], stage["olga"].user_id, staff=True)
    assert staff_view["questions"][0]["askedBy"]["username"] == "ana"
    public = questions_view(stage["event"], stage["ben"].user_id, staff=False)
    assert public["questions"][0]["author"] is None and "askedBy" not in public["questions"][0]


def test_one_vote_per_person_and_the_list_sorts_by_votes(bus, stage):  # noqa: F811
    first = do_ask_question(stage["ana"], "talk", "first", False)
    second = do_ask_question(stage["ben"], "talk", "second", False)
    bus.clear()
    voted = do_vote_question(stage["ana"], "talk", second["id"])
    assert voted["votes"] == 1
    assert [(e.event, e.data["id"], e.data["votes"]) for e in bus.emits] == \
        [("questionUpdated", second["id"], 1)]
    refused("conflict", do_vote_question, stage["ana"], "talk", second["id"])
    assert count(EventQuestionVote) == 1
    do_vote_question(stage["ben"], "talk", second["id"])
    view = questions_view(stage["event"], stage["ana"].user_id, staff=False)
    assert [q["id"] for q in view["questions"]] == [second["id"], first["id"]]
    assert view["myVotes"] == [second["id"]]
    assert do_vote_question(stage["ana"], "talk", second["id"], False)["votes"] == 1
    refused("conflict", do_vote_question, stage["ana"], "talk", second["id"], False)


def test_the_database_itself_refuses_a_second_vote(stage):
    question = do_ask_question(stage["ana"], "talk", "q", False)
    do_vote_question(stage["ben"], "talk", question["id"])
    db.session.add(EventQuestionVote(question_id=question["id"], user_id=stage["ben"].user_id,
                                     created_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_only_staff_mark_questions_and_pinning_one_unpins_the_other(bus, stage):  # noqa: F811
    one = do_ask_question(stage["ana"], "talk", "one", False)
    two = do_ask_question(stage["ben"], "talk", "two", True)
    refused("forbidden", do_mark_question, stage["ana"], "talk", one["id"], {"pinned": True})
    refused("forbidden", do_mark_question, stage["ben"], "talk", one["id"], {"status": "dismissed"})
    do_mark_question(stage["mia"], "talk", one["id"], {"pinned": True})
    bus.clear()
    marked = do_mark_question(stage["olga"], "talk", two["id"], {"pinned": True})
    assert marked["pinned"] and marked["askedBy"]["username"] == "ben"
    updates = {e.data["id"]: e.data for e in bus.emits if e.event == "questionUpdated"}
    assert updates[one["id"]]["pinned"] is False and updates[two["id"]]["pinned"] is True
    assert "askedBy" not in updates[two["id"]]  # the room hears the public shape
    answered = do_mark_question(stage["olga"], "talk", two["id"], {"status": "answered"})
    assert (answered["status"], answered["pinned"]) == ("answered", False)
    assert answered["answeredAt"] is not None
    refused("conflict", do_vote_question, stage["ana"], "talk", two["id"])
    refused("invalid", do_mark_question, stage["olga"], "talk", one["id"], {"status": "great"})
    refused("not_found", do_mark_question, stage["olga"], "talk", 9999, {"pinned": True})
    do_mark_question(stage["olga"], "talk", one["id"], {"status": "dismissed"})
    public = questions_view(stage["event"], None, staff=False)["questions"]
    assert [q["id"] for q in public] == [two["id"]]  # dismissed ones leave the audience's list


def test_asking_is_refused_when_muted_ended_or_empty(stage):
    refused("invalid", do_ask_question, stage["ana"], "talk", "   ", False)
    refused("invalid", do_ask_question, stage["ana"], "talk", "q", "yes")
    refused("too_large", do_ask_question, stage["ana"], "talk", "x" * 501, False)
    refused("not_found", do_ask_question, stage["ana"], "nope", "q", False)
    do_mute(stage["olga"], stage["event"].room, stage["ana"].user_id, 60)
    refused("muted", do_ask_question, stage["ana"], "talk", "q", False)
    stage["event"].ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    refused("event_ended", do_ask_question, stage["ben"], "talk", "q", False)
    assert count(EventQuestion) == 0


def test_polls_single_choice_one_ballot_changeable_until_closed(bus, stage):  # noqa: F811
    refused("forbidden", do_open_poll, stage["ana"], "talk",
            {"question": "Lunch?", "options": ["yes", "no"]})
    poll = do_open_poll(stage["mia"], "talk", {"question": "Lunch?", "options": ["yes", "no"]})
    assert [(e.event, e.to) for e in bus.emits] == [("pollOpened", stage["room"])]
    assert [o["votes"] for o in poll["options"]] == [0, 0] and poll["closed"] is False
    bus.clear()
    voted = do_vote_poll(stage["ana"], "talk", poll["id"], [0])
    assert ([o["votes"] for o in voted["options"]], voted["voters"], voted["myChoices"]) == \
        ([1, 0], 1, [0])
    assert [e.event for e in bus.emits] == ["pollUpdated"]
    changed = do_vote_poll(stage["ana"], "talk", poll["id"], [1])
    assert ([o["votes"] for o in changed["options"]], changed["voters"]) == ([0, 1], 1)
    assert count(EventPollBallot) == 1
    refused("invalid", do_vote_poll, stage["ben"], "talk", poll["id"], [0, 1])
    refused("invalid", do_vote_poll, stage["ben"], "talk", poll["id"], [2])
    refused("invalid", do_vote_poll, stage["ben"], "talk", poll["id"], "0")
    refused("forbidden", do_close_poll, stage["ben"], "talk", poll["id"])
    closed = do_close_poll(stage["olga"], "talk", poll["id"])
    assert closed["closed"] and [o["votes"] for o in closed["options"]] == [0, 1]
    refused("conflict", do_vote_poll, stage["ben"], "talk", poll["id"], [0])
    refused("conflict", do_close_poll, stage["olga"], "talk", poll["id"])
    # Closed polls stay visible with their results.
    [seen] = polls_view(stage["event"], stage["ana"].user_id)
    assert (seen["closed"], seen["myChoices"], seen["options"][1]["votes"]) == (True, [1], 1)


def test_multiple_choice_polls_count_each_option_and_each_voter_once(stage):
    poll = do_open_poll(stage["olga"], "talk", {"question": "Topics?", "multiple": True,
                                                "options": ["a", "b", "c"]})
    do_vote_poll(stage["ana"], "talk", poll["id"], [0, 2])
    result = do_vote_poll(stage["ben"], "talk", poll["id"], [2])
    assert ([o["votes"] for o in result["options"]], result["voters"]) == ([1, 0, 2], 2)
    refused("invalid", do_vote_poll, stage["ben"], "talk", poll["id"], [2, 2])
    refused("invalid", do_open_poll, stage["olga"], "talk", {"question": "x", "options": ["a"]})
    refused("invalid", do_open_poll, stage["olga"], "talk", {"question": "x", "options": ["a", "a"]})


def test_the_database_keeps_one_ballot_per_person(stage):
    poll = do_open_poll(stage["olga"], "talk", {"question": "q", "options": ["a", "b"]})
    do_vote_poll(stage["ana"], "talk", poll["id"], [0])
    db.session.add(EventPollBallot(poll_id=poll["id"], user_id=stage["ana"].user_id,
                                   choices=[1], updated_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(EventPollBallot.choices)) == [0]


def test_the_announcement_is_set_and_cleared_by_staff_only(bus, stage):  # noqa: F811
    refused("forbidden", do_set_announcement, stage["ana"], "talk", "hi")
    set_ = do_set_announcement(stage["olga"], "talk", "  Break at 3pm  ")
    assert (set_["text"], set_["by"]["username"]) == ("Break at 3pm", "olga")
    assert [(e.event, e.to, e.data["text"]) for e in bus.emits] == \
        [("announcement", stage["room"], "Break at 3pm")]
    cleared = do_set_announcement(stage["mia"], "talk", "")
    assert (cleared["text"], cleared["timestamp"]) == (None, None)
    assert stage["event"].announcement is None


def test_moderated_chat_holds_audience_messages_until_a_moderator_decides(bus, stage):  # noqa: F811
    from chatapp.actions.event_held import do_decide_held, pending_held
    from chatapp.actions.messages import RoomRef, do_send_message
    from chatapp.models import Message

    stage["event"].moderated_chat = True
    db.session.commit()
    room = RoomRef(stage["event"].room_id, "event")
    held = do_send_message(stage["ana"], room, "hold me")
    assert (held["held"], held["status"], held["text"]) == (True, "pending", "hold me")
    channels = {(e.event, e.to) for e in bus.emits}
    assert channels == {("messageHeld", f"user:{stage[who].user_id}")
                        for who in ("olga", "mia", "ana")}  # never the event's channel
    assert count(Message) == 0
    bus.clear()
    staff_message = do_send_message(stage["mia"], room, "staff talk freely")
    assert "held" not in staff_message and [e.event for e in bus.emits] == ["newMessage",
                                                                            "room:activity"]
    assert [h["id"] for h in pending_held(stage["event"], stage["ana"], staff=False)] == [held["id"]]
    assert pending_held(stage["event"], stage["ben"], staff=False) == []
    refused("forbidden", do_decide_held, stage["ana"], "talk", int(held["id"]), "approve")
    refused("invalid", do_decide_held, stage["mia"], "talk", int(held["id"]), "maybe")
    bus.clear()
    approved = do_decide_held(stage["mia"], "talk", int(held["id"]), "approve")
    assert approved["status"] == "approved" and approved["messageId"]
    [posted] = [e for e in bus.emits if e.event == "newMessage"]
    assert (posted.to, posted.data["text"], posted.data["username"], posted.data["id"]) == \
        (stage["room"], "hold me", "ana", approved["messageId"])
    [moved] = [e for e in bus.emits if e.event == "room:activity"]  # for watching sidebars
    assert (moved.data["eventId"], str(moved.data["messageId"])) == ("talk", approved["messageId"])
    assert {e.to for e in bus.emits if e.event == "heldMessageResolved"} == \
        {f"user:{stage[who].user_id}" for who in ("olga", "mia", "ana")}
    refused("conflict", do_decide_held, stage["olga"], "talk", int(held["id"]), "reject")
    second = do_send_message(stage["ben"], room, "no thanks")
    rejected = do_decide_held(stage["olga"], "talk", int(second["id"]), "reject")
    assert (rejected["status"], rejected["messageId"]) == ("rejected", None)
    assert count(Message) == 2  # the staff message and the approved one
    assert pending_held(stage["event"], stage["olga"], staff=True) == []


def test_viewer_figures_count_each_person_once_and_keep_each_minutes_most(stage):
    """Joins and leaves call note_viewers inside their own transaction (it never commits)."""
    event_id, ana, ben = stage["event"].id, stage["ana"], stage["ben"]
    note_viewers(event_id, 3, joined_user_id=ana.user_id)
    note_viewers(event_id, 5, joined_user_id=ben.user_id)
    note_viewers(event_id, 4, joined_user_id=ana.user_id)  # her second tab: not new
    note_viewers(event_id, 2)  # people left
    db.session.commit()
    event = db.session.get(Event, event_id)
    assert (event.unique_viewers, event.peak_viewers) == (2, 5)
    samples = db.session.scalars(sa.select(EventViewerSample.viewers).where(
        EventViewerSample.event_id == event_id)).all()
    assert max(samples) == 5 and len(samples) <= 2  # one row a minute (two if one ticked by)
