"""The chat pages' server side: the guest form, creating rooms without JavaScript,
conversations, the host's event buttons and the event form (times in the viewer's zone)."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from chatapp.actions.conversations import do_mark_conversation_read
from chatapp.actions.messages import do_send_private_message
from chatapp.extensions import db
from chatapp.models import Event, Room, User
from chatapp.security.identity import Actor
from tests.page_support import (
    field_error,
    form_token,
    post_form,
    register,
    signed_in_as,
)


def page_data(html: str) -> dict:
    match = re.search(r'<script id="page-data" type="application/json">(.*?)</script>', html,
                      re.DOTALL)
    assert match, "the page carries no page data"
    return json.loads(match.group(1))


def user_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == name))


def event_row(app, event_id: str) -> Event | None:
    with app.app_context():
        event = db.session.get(Event, event_id)
        if event is not None:
            db.session.expunge(event)
        return event


@pytest.fixture
def other(app):
    """A second browser, signed in as bob."""
    browser = app.test_client()
    register(browser, "bob")
    return browser


# --- guests ---------------------------------------------------------------------------------

def test_the_guest_form_signs_the_browser_in_as_a_new_guest(app, client):
    response = post_form(client, "/guest?next=/rooms/2", {"guest-username": "visitor",
                                                          "guest-next": "/rooms/2"}, prefix="guest")
    assert response.status_code == 302 and response.headers["Location"] == "/rooms/2"
    html = client.get("/").get_data(as_text=True)
    assert signed_in_as(html) == "visitor"
    assert page_data(html)["me"]["isGuest"] is True
    with app.app_context():
        assert db.session.scalar(sa.select(User.is_guest).where(User.username == "visitor"))


def test_a_guest_never_takes_an_accounts_name(app, client, other):
    post_form(client, "/guest", {"guest-username": "BOB"}, prefix="guest")
    assert signed_in_as(client.get("/").get_data(as_text=True)) == "BOB-2"


def test_a_refused_guest_name_is_shown_next_to_the_field(client):
    response = post_form(client, "/guest", {"guest-username": "admin"}, prefix="guest")
    assert response.status_code == 400
    assert "reserved" in field_error(response.get_data(as_text=True), "guest-username")
    assert signed_in_as(client.get("/").get_data(as_text=True)) is None


def test_no_guest_form_when_guests_are_not_allowed(app, client):
    app.config["ALLOW_GUESTS"] = False
    response = post_form(client, "/guest", {"guest-username": "visitor"}, prefix="guest")
    assert response.status_code == 401
    assert signed_in_as(client.get("/").get_data(as_text=True)) is None


def test_the_guest_form_needs_its_csrf_token(client):
    form_token(client, "/guest")
    assert client.post("/guest", data={"guest-username": "visitor"}).status_code == 400


# --- the lobby --------------------------------------------------------------------------------

def test_lobby_create_room_form_works_without_javascript(app, client, other):
    register(client, "alice")
    response = post_form(client, "/rooms/new", {"room-name": "Den", "room-category": "fun",
                                                "room-is_private": "y"}, token_from="/",
                         prefix="room")
    assert response.status_code == 302
    room_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        room = db.session.get(Room, room_id)
        assert (room.name, room.category, room.is_private) == ("Den", "fun", True)
    assert client.get(f"/rooms/{room_id}").status_code == 200
    assert other.get(f"/rooms/{room_id}").status_code == 404  # private: bob cannot see it
    again = post_form(client, "/rooms/new", {"room-name": "den"}, token_from="/", prefix="room")
    assert again.status_code == 302  # a name in use makes another room, told apart by its id
    assert int(again.headers["Location"].rsplit("/", 1)[1]) != room_id


def test_creating_a_room_needs_a_signed_in_browser(client):
    response = post_form(client, "/rooms/new", {"room-name": "Den"}, token_from="/", prefix="room")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_lobby_lists_conversations_with_unread_counts(app, client, other):
    register(client, "alice")
    alice, bob = user_id(app, "alice"), user_id(app, "bob")
    with app.app_context():
        bob_actor = Actor.of(db.session.get(User, bob))
        for text in ("hi", "are you there?"):
            do_send_private_message(bob_actor, alice, text)
    html = client.get("/").get_data(as_text=True)
    assert f'href="/conversations/{bob}"' in html
    assert re.search(rf'id="unread-{bob}"[^>]*>\s*2\s*<', html), "no unread badge of 2"
    assert "are you there?" in html
    bobs = other.get("/").get_data(as_text=True)
    assert not re.search(rf'id="unread-{alice}"[^>]*>\s*[1-9]', bobs)  # he wrote them


# --- conversations --------------------------------------------------------------------------

def test_conversation_page_shows_both_sides_to_its_two_people_only(app, client, other):
    register(client, "alice")
    alice, bob = user_id(app, "alice"), user_id(app, "bob")
    with app.app_context():
        do_send_private_message(Actor.of(db.session.get(User, bob)), alice, "secret plans")
        do_send_private_message(Actor.of(db.session.get(User, alice)), bob, "tell me more")
    html = client.get(f"/conversations/{bob}").get_data(as_text=True)
    assert html.index("secret plans") < html.index("tell me more")
    assert page_data(html)["peer"]["userId"] == str(bob)  # a local user goes by its id in decimal
    # Where alice had read up to: the page's "New messages" line goes after it.
    assert page_data(html)["lastReadId"] is None  # nothing read yet
    with app.app_context():
        read_up_to = do_mark_conversation_read(Actor.of(db.session.get(User, alice)), bob)
    html = client.get(f"/conversations/{bob}").get_data(as_text=True)
    assert read_up_to and page_data(html)["lastReadId"] == read_up_to
    third = app.test_client()
    register(third, "cyril")
    assert "secret plans" not in third.get(f"/conversations/{bob}").get_data(as_text=True)
    assert client.get("/conversations/999").status_code == 404
    assert client.get(f"/conversations/{alice}").status_code == 404  # not with oneself


def test_conversation_page_needs_a_signed_in_browser(client):
    response = client.get("/conversations/1")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- events: the host's buttons and the form --------------------------------------------------

def create_event_form(client, **fields):
    data = {"name": "Launch", "description": "", "id": "", "starts_at": "", "ends_at": "",
            "timezone": "UTC", **fields}
    return post_form(client, "/events/new", data)


def test_event_form_takes_times_in_the_viewers_zone(app, client):
    register(client, "alice")
    response = create_event_form(client, id="launch", starts_at="2030-01-15T18:00",
                                 ends_at="2030-01-15T20:30", timezone="Europe/Paris",
                                 chat_before_start="y")
    assert response.status_code == 302 and response.headers["Location"] == "/events/launch"
    event = event_row(app, "launch")
    assert (event.starts_at.isoformat(), event.ends_at.isoformat()) == (
        "2030-01-15T17:00:00", "2030-01-15T19:30:00")  # Paris is UTC+1 in January
    assert event.chat_before_start is True
    html = client.get("/events/launch").get_data(as_text=True)
    data = page_data(html)
    assert (data["status"], data["startsAt"], data["canManage"]) == (
        "scheduled", "2030-01-15T17:00:00.000Z", True)


def test_event_form_errors_are_shown_next_to_their_field(app, client):
    register(client, "alice")
    response = create_event_form(client, starts_at="2030-01-15T18:00",
                                 ends_at="2030-01-15T17:00")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "ends_at") == "Must be after the start"
    assert create_event_form(client, name="").status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("starts_at, zone", [("0001-01-01T00:30", "Europe/Paris"),
                                             ("9999-12-31T23:30", "America/New_York"),
                                             ("0811-07-01T12:00", "UTC")])
def test_event_form_refuses_dates_out_of_range_with_a_field_error(app, client, starts_at, zone):
    register(client, "alice")
    response = create_event_form(client, starts_at=starts_at, timezone=zone)
    assert response.status_code == 400
    assert "2000" in field_error(response.get_data(as_text=True), "starts_at")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_guests_cannot_open_the_event_form(app, client):
    post_form(client, "/guest", {"guest-username": "visitor"}, prefix="guest")
    response = client.get("/events/new")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_edit_form_shows_stored_times_for_the_script_to_localise(app, client, other):
    register(client, "alice")
    create_event_form(client, id="launch", starts_at="2030-01-15T18:00")
    html = client.get("/events/launch/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*data-utc="2030-01-15T18:00:00(\.000)?Z"[^>]*name="starts_at"'
                     r'|<input[^>]*name="starts_at"[^>]*data-utc="2030-01-15T18:00:00(\.000)?Z"',
                     html), "the start time is not marked for the script"
    assert other.get("/events/launch/edit").status_code == 403
    response = post_form(client, "/events/launch/edit",
                         {"name": "Launch party", "starts_at": "2030-01-15T10:00",
                          "ends_at": "", "description": "", "timezone": "America/New_York"})
    assert response.status_code == 302
    event = event_row(app, "launch")
    assert (event.name, event.starts_at.isoformat()) == ("Launch party", "2030-01-15T15:00:00")


def test_host_buttons_start_and_end_the_event(app, client, other):
    register(client, "alice")
    create_event_form(client, id="launch", starts_at="2030-01-15T18:00")

    def press(browser, action):
        return post_form(browser, "/events/launch/status", {"action": action},
                         token_from="/events/launch")

    refused = press(other, "start")  # bob is not the host
    assert refused.status_code == 302
    assert "only the event" in other.get("/events/launch").get_data(as_text=True).lower()
    assert page_data(client.get("/events/launch").get_data(as_text=True))["status"] == "scheduled"
    press(client, "start")
    assert page_data(client.get("/events/launch").get_data(as_text=True))["status"] == "live"
    press(client, "end")
    assert page_data(client.get("/events/launch").get_data(as_text=True))["status"] == "ended"
    press(client, "start")  # an ended event cannot start again: refused, shown, unchanged
    html = client.get("/events/launch").get_data(as_text=True)
    assert page_data(html)["status"] == "ended" and "cannot be started" in html
