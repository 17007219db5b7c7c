"""Safety of the pages: CSRF on every form, and user content rendered inert everywhere."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup

from chatapp.actions.accounts import account_named, do_register, do_update_profile
from chatapp.actions.event_lifecycle import do_create_event
from chatapp.actions.events import do_join_event
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.rooms import do_create_room
from chatapp.errors import Invalid
from chatapp.extensions import db
from chatapp.models import Event, Room, User
from chatapp.pages.rendering import linkify, safe_avatar
from chatapp.security.identity import Actor
from tests.page_support import (
    PASSWORD,
    XSS_PAYLOADS,
    form_token,
    inert_problems,
    links,
    login,
    logout,
    post_form,
    register,
    signed_in_as,
)
from tests.unit_support import bus  # noqa: F401
from tests.unit_support import login as socket_login

# Every page form: the name of its token field, and what an attacker would post to it.
FORMS = {
    "/register": ("csrf_token", {"username": "mallory", "password": PASSWORD,
                                 "confirm": PASSWORD}),
    "/login": ("csrf_token", {"username": "alice", "password": PASSWORD}),
    "/logout": ("logout-csrf_token", {}),
    "/profile": ("profile-csrf_token", {"profile-display_name": "Pwned",
                                        "profile-avatar": "https://evil.example/a.png"}),
    "/profile/password": ("pw-csrf_token", {"pw-current_password": PASSWORD,
                                            "pw-password": "pwned pwned pwned",
                                            "pw-confirm": "pwned pwned pwned"}),
    "/guest": ("guest-csrf_token", {"guest-username": "sneaky"}),
    "/rooms/new": ("room-csrf_token", {"room-name": "Pwned room"}),
    "/events/new": ("csrf_token", {"name": "Pwned event", "timezone": "UTC"}),
    "/events/1/edit": ("csrf_token", {"name": "Pwned", "timezone": "UTC"}),
    "/events/1/status": ("csrf_token", {"action": "cancel"}),
}
SIGNED_OUT_FORMS = ("/register", "/login", "/guest")


def page_post_paths(app) -> set[str]:
    """Every POST route outside the JSON API (which is exempt: it takes bearer tokens)."""
    paths = set()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods and not rule.rule.startswith("/api"):
                paths.add(url_for(rule.endpoint, **{arg: 1 for arg in rule.arguments}))
    return paths


def alice_state(app) -> tuple:
    with app.app_context():
        user = account_named("alice")
        names = db.session.scalars(sa.select(User.username).where(User.is_guest.is_(False)))
        rooms = db.session.scalars(sa.select(Room.name).order_by(Room.id))
        events = db.session.execute(sa.select(Event.id, Event.name, Event.cancelled_at))
        return (user.display_name, user.avatar, user.password_hash, user.token_version,
                list(rooms), [tuple(e) for e in events], sorted(names))


@pytest.fixture
def signed_in(client):
    """Alice, signed in, hosting the upcoming event "1" (so its host forms exist)."""
    register(client, "alice", display_name="Alice")
    post_form(client, "/events/new", {"id": "1", "name": "Launch", "timezone": "UTC",
                                      "starts_at": "2099-01-01T10:00"})
    return client


FORM_PAGES = {"/register": "/register", "/login": "/login", "/logout": "/",
              "/profile": "/profile", "/profile/password": "/profile", "/guest": "/guest",
              "/rooms/new": "/", "/events/new": "/events/new", "/events/1/edit": "/events/1/edit",
              "/events/1/status": "/events/1"}


def test_every_page_form_is_covered_by_these_tests(app, signed_in):
    assert page_post_paths(app) == set(FORMS), \
        "a new form: add it to FORMS so its CSRF protection is tested"
    for path, (token_field, _) in FORMS.items():
        client = signed_in if path not in SIGNED_OUT_FORMS else app.test_client()
        html = client.get(FORM_PAGES[path]).get_data(as_text=True)
        form = re.search(rf'<form method="post" action="{path}"[^>]*>.*?</form>', html, re.S)
        assert form and f'name="{token_field}" type="hidden"' in form.group(0), path


@pytest.mark.parametrize("token", [None, "wrong", "from another session"])
def test_every_form_refuses_a_post_without_its_csrf_token(app, signed_in, token):
    if token == "from another session":  # a valid token, but the attacker's own
        token = form_token(app.test_client(), "/login")
    before = alice_state(app)
    for path in page_post_paths(app):
        token_field, data = FORMS[path]
        data = dict(data)
        if token is not None:
            data[token_field] = token
        response = signed_in.post(path, data=data)
        assert response.status_code == 400, path
        assert "CSRF" in response.get_data(as_text=True), path
    assert alice_state(app) == before
    assert signed_in_as(signed_in.get("/").get_data(as_text=True)) == "Alice"


def test_signed_out_forms_refuse_a_post_without_token(app, client, signed_in):
    logout(client)
    for path in SIGNED_OUT_FORMS:
        assert client.post(path, data=FORMS[path][1]).status_code == 400
    assert signed_in_as(client.get("/").get_data(as_text=True)) is None
    assert alice_state(app)[-1] == ["alice"]


def test_the_json_api_is_exempt(client):
    response = client.post("/api/auth/token", json={"username": "nobody", "password": "x" * 12})
    assert response.status_code == 401  # checked for credentials, not for a CSRF token


# --- rendering ------------------------------------------------------------------------------

def test_linkify_escapes_everything_and_links_only_http(app):
    html = linkify('<b>hi</b> see https://example.com/a?b=1&c=2. "javascript:alert(1)"')
    assert isinstance(html, Markup)
    assert html == Markup(
        '&lt;b&gt;hi&lt;/b&gt; see <a href="https://example.com/a?b=1&amp;c=2" '
        'rel="nofollow noopener noreferrer" target="_blank">https://example.com/a?b=1&amp;c=2'
        '</a>. &#34;javascript:alert(1)&#34;')


@pytest.mark.parametrize("text, hrefs", [
    ("javascript:alert(1)", []),
    ("JaVaScRiPt:alert(1)//https://x", []),
    ("data:text/html,<script>alert(1)</script>", []),
    ("vbscript:x ftp://example.com file:///etc/passwd", []),
    ("https://", []),
    ("(see https://example.com/x).", ["https://example.com/x"]),
    ("https://en.wikipedia.org/wiki/Python_(language), ok",
     ["https://en.wikipedia.org/wiki/Python_(language)"]),
    ('https://x.example/"onmouseover="alert(1)', ["https://x.example/"]),
    ("<a href=https://x.example/>x</a>", ["https://x.example/"]),
    ("HTTP://EXAMPLE.COM and http://a.example?", ["HTTP://EXAMPLE.COM", "http://a.example"]),
])
def test_linkify_links(app, text, hrefs):
    html = str(linkify(text))
    assert [a["href"] for a in links(html)] == hrefs
    assert all(a["rel"] == "nofollow noopener noreferrer" for a in links(html))
    assert inert_problems(html, payloads=[]) == []


def test_linkify_of_nothing(app):
    assert linkify(None) == Markup("") and linkify("") == Markup("")


def test_safe_avatar(app):
    with app.test_request_context():
        assert safe_avatar("https://img.example/a.png") == "https://img.example/a.png"
        for unsafe in ("javascript:alert(1)", "data:image/svg+xml,<svg onload=alert(1)>",
                       "//evil.example/a.png", 'https://x/"onerror="alert(1)', None, ""):
            assert safe_avatar(unsafe) == "/static/img/avatar.svg"


# --- user content on every page ---------------------------------------------------------------

@pytest.fixture
def world(app, bus):  # noqa: F811
    """Everything a user controls, filled with one payload per test."""
    app.config["RATE_LIMITS_ENABLED"] = False

    def build(payload: str) -> dict:
        guest = socket_login(bus, "sid-guest", payload, avatar="javascript:alert(1)").actor
        member = do_register("member", PASSWORD, display_name=payload)
        do_update_profile(member, {"status": payload})
        with pytest.raises(Invalid):
            do_update_profile(member, {"avatar": "javascript:alert(1)"})
        db.session.rollback()
        room = do_create_room("sid-guest", guest, {"name": payload,
                                                   "description": payload + " https://ok.example/"})
        actor = Actor.of(member)
        for sender in (guest, actor):
            do_send_message(sender, RoomRef(room.id, room.kind), payload + " https://ok.example/")
        event = do_create_event(actor, {"name": payload, "description": payload})
        do_join_event("sid-guest", guest, event.id, leaving_room_id=None)
        do_send_message(guest, RoomRef(event.room_id, "event"), payload)
        do_send_message(actor, RoomRef(event.room_id, "event"), payload)
        return {"room": room.id, "event": event.id, "guest": db.session.get(User, guest.user_id)}

    return build


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_render_inert_on_every_page(client, world, payload):
    made = world(payload)
    assert made["guest"].username == payload and made["guest"].avatar is None
    login(client, "member")
    for path in ("/", f"/rooms/{made['room']}", f"/events/{made['event']}", "/profile"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert inert_problems(html, [payload]) == [], path
    room_page = client.get(f"/rooms/{made['room']}").get_data(as_text=True)
    assert [a["href"] for a in links(room_page) if a.get("rel")] == ["https://ok.example/"] * 3


def test_an_unsafe_avatar_already_stored_is_not_rendered(app, client, bus):  # noqa: F811
    app.config["RATE_LIMITS_ENABLED"] = False
    user = do_register("legacy", PASSWORD)
    user.avatar = "javascript:alert(1)"  # written before avatars were checked
    do_send_message(Actor.of(user), RoomRef(1, "community"), "hello")
    db.session.commit()
    html = client.get("/rooms/1").get_data(as_text=True)
    # Shown as the user's initials instead, as anyone without a picture is.
    assert "javascript:" not in html and 'data-initials="L"' in html


def test_room_page_shows_messages_with_sender_and_time(app, client, bus):  # noqa: F811
    guest = socket_login(bus, "sid-1", "sam").actor
    member = do_register("member", PASSWORD, display_name="Member M.")
    do_send_message(guest, RoomRef(1, "community"), "first\nsecond line")
    do_send_message(Actor.of(member), RoomRef(1, "community"), "reply")
    html = client.get("/rooms/1").get_data(as_text=True)
    assert "<h1>CS Study Group</h1>" in html
    assert '<time datetime="2026-01-02T03:04:05.678Z">2026-01-02 03:04 UTC</time>' in html
    # Markdown: a newline in a message is a line break.
    first = re.search(r"first<br\s*/?>\s*second line", html)
    assert first and first.start() < html.index(">reply<")
    assert '<span class="sender">Member M.</span> <span class="username">@member</span>' in html
    assert '<span class="sender">sam</span> <span class="badge">guest</span>' in html
    assert 'href="/rooms/1"' in client.get("/").get_data(as_text=True)


def test_private_rooms_are_not_found_for_non_members(app, client, bus):  # noqa: F811
    app.config["RATE_LIMITS_ENABLED"] = False
    owner = socket_login(bus, "sid-1", "owner").actor
    room = do_create_room("sid-1", owner, {"name": "Secret", "isPrivate": True})
    assert client.get(f"/rooms/{room.id}").status_code == 404
    assert "Secret" not in client.get("/").get_data(as_text=True)
    register(client, "outsider")
    assert client.get(f"/rooms/{room.id}").status_code == 404
    assert client.get("/rooms/999").status_code == 404
    assert client.get("/events/nope").status_code == 404
