"""REST ``/api/events``: an event's message history (newest first, paged) and transcripts."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.api_events_support import (create, ctx, error_of, host, person,  # noqa: F401
                                      post_messages)


def test_messages_page_newest_first_with_a_cursor(client, host, app):
    app.config["RATE_LIMIT_MESSAGES"] = "200/10second"  # the host posts a burst of 105
    actor, headers = host
    create(client, headers, name="Chat", id="chat")
    sent = post_messages(actor, "chat", [f"m{i}" for i in range(105)])
    page = client.get("/api/events/chat/messages?limit=2").get_json()
    # Message ids are strings (as the old server's were); cursors are the same ids as numbers.
    assert page == {"messages": sent[-1:-3:-1], "nextBefore": int(sent[-2]["id"]),
                    "nextAfter": None}
    assert set(page["messages"][0]) >= {"id", "text", "username", "userId", "timestamp"}
    older = client.get(f"/api/events/chat/messages?limit=2&before={page['nextBefore']}")
    assert older.get_json()["messages"] == sent[-3:-5:-1]
    capped = client.get("/api/events/chat/messages?limit=1000").get_json()
    assert capped["messages"] == sent[:-101:-1] and capped["nextBefore"] == int(sent[5]["id"])
    rest = client.get(f"/api/events/chat/messages?before={sent[5]['id']}&limit=100").get_json()
    assert rest == {"messages": sent[4::-1], "nextBefore": None, "nextAfter": None}
    assert client.get("/api/events/chat/messages").get_json()["messages"] == sent[:-51:-1]
    error_of(client.get("/api/events/chat/messages?limit=zero"), 400, "invalid")
    error_of(client.get("/api/events/ghost/messages"), 404, "not_found")


TRICKY = ['hello, "world"', "two\nlines, here", "*bold* and _under_"]


@pytest.fixture
def chatted(client, host):
    """Event ``t1`` with three awkward messages, by alice, bob and alice."""
    create(client, host[1], name="Q&A *live*", id="t1")
    alice, bob = person("alice")[0], person("bob")[0]
    for who, text in zip((alice, bob, alice), TRICKY):
        post_messages(who, "t1", [text])
    return client


@pytest.mark.parametrize("query, mimetype, ext", [
    ("", "text/plain", "txt"), ("?format=txt", "text/plain", "txt"),
    ("?format=md", "text/markdown", "md"), ("?format=json", "application/json", "json"),
    ("?format=csv", "text/csv", "csv"),
])
def test_transcript_downloads_in_each_format(chatted, query, mimetype, ext):
    response = chatted.get(f"/api/events/t1/transcript{query}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="t1-transcript.{ext}"'
    text = response.get_data(as_text=True)
    positions = [text.find(marker) for marker in ("alice", "world", "bob", "lines", "bold")]
    assert -1 not in positions and positions == sorted(positions), text


def test_csv_transcript_round_trips_awkward_text(chatted):
    rows = list(csv.reader(io.StringIO(chatted.get("/api/events/t1/transcript?format=csv")
                                       .get_data(as_text=True))))
    assert rows[0] == ["id", "timestamp", "username", "text"]
    assert [(r[2], r[3]) for r in rows[1:]] == list(zip(("alice", "bob", "alice"), TRICKY))


def test_json_transcript_is_chronological(chatted):
    body = json.loads(chatted.get("/api/events/t1/transcript?format=json").get_data())
    assert body["event"]["id"] == "t1" and body["event"]["messageCount"] == 3
    assert [(m["username"], m["text"]) for m in body["messages"]] == \
        list(zip(("alice", "bob", "alice"), TRICKY))
    assert [m["id"] for m in body["messages"]] == sorted((m["id"] for m in body["messages"]), key=int)


def test_markdown_transcript_escapes_emphasis(chatted):
    text = chatted.get("/api/events/t1/transcript?format=md").get_data(as_text=True)
    assert r"\*bold\* and \_under\_" in text
    assert re.search(r"(?<!\\)[*_](bold|under|live)", text) is None, text
    assert r"Q&A \*live\*" in text


def test_transcript_refuses_an_unknown_format_or_event(chatted):
    error = error_of(chatted.get("/api/events/t1/transcript?format=pdf"), 400, "invalid")
    assert "format" in error["fields"]
    error_of(chatted.get("/api/events/ghost/transcript"), 404, "not_found")
