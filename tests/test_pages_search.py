"""The search page's server side: signed-in only, matches marked and escaped, each linking to
its message, paged, and never a message of a private room the viewer is not in."""
from __future__ import annotations

import re

from chatapp.actions.accounts import do_register
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.rooms import do_create_room
from chatapp.extensions import db
from chatapp.security.identity import Actor
from tests.page_support import PASSWORD, login
from tests.unit_support import bus  # noqa: F401
from tests.unit_support import login as socket_login


def test_search_needs_a_signed_in_browser(client):
    response = client.get("/search?q=hello")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_shows_readable_matches_marked_and_linked(app, client, bus):  # noqa: F811
    app.config["RATE_LIMITS_ENABLED"] = False
    owner = socket_login(bus, "sid-1", "owner").actor
    secret = do_create_room("sid-1", owner, {"name": "Secret", "isPrivate": True})
    do_send_message(owner, RoomRef(secret.id, "community"), "pineapple plans, members only")
    reader = do_register("reader", PASSWORD)
    db.session.commit()
    shown = do_send_message(Actor.of(reader), RoomRef(1, "community"),
                            "<b>Pineapple</b> pizza tonight?")
    db.session.commit()
    login(client, "reader")
    html = client.get("/search?q=pineapp").get_data(as_text=True)
    hits = re.findall(r'<li class="search-hit">.*?</li>', html, re.DOTALL)
    assert len(hits) == 1, hits
    assert "members only" not in html  # the private room is not the reader's
    assert "&lt;b&gt;<mark>Pineapple</mark>&lt;/b&gt;" in hits[0]  # escaped, the match marked
    assert f'href="/rooms/1#m{shown["id"]}"' in hits[0]
    assert "# CS Study Group" in hits[0]


def test_search_pages_through_many_results(app, client, bus):  # noqa: F811
    app.config["RATE_LIMITS_ENABLED"] = False
    writer = do_register("writer", PASSWORD)
    db.session.commit()
    for n in range(25):
        do_send_message(Actor.of(writer), RoomRef(2, "community"), f"quiz question {n}")
    db.session.commit()
    login(client, "writer")
    first = client.get("/search?q=quiz").get_data(as_text=True)
    assert first.count('class="search-hit"') == 20
    assert 'href="/search?q=quiz&amp;offset=20"' in first
    second = client.get("/search?q=quiz&offset=20").get_data(as_text=True)
    assert second.count('class="search-hit"') == 5 and "More results" not in second
    empty = client.get("/search?q=%20%20").get_data(as_text=True)
    assert 'class="search-hit"' not in empty and "Find any message" in empty
