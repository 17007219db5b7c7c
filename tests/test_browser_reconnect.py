"""Losing the connection in Chromium: the page says it is reconnecting, comes back by itself
and shows what was said meanwhile, once, without a reload."""
from __future__ import annotations

import signal

import pytest

from tests.browser_people import (
    message_texts,
    messages_saying,
    new_account,
    ready_to_write,
    send,
    shown_in_order,
)
from tests.browser_support import assert_no_errors, expect
from tests.network_cut import CuttableLink

pytestmark = pytest.mark.browser

BACK_MS = 15_000  # Socket.IO retries with a back-off of up to 5 s (plus jitter)
# While the link is down Chromium logs the failed attempts; nothing else may be logged.
OUTAGE_NOISE = r"net::ERR_|WebSocket connection to .* failed"


@pytest.fixture
def link(server):
    relay = CuttableLink(server.port).start()
    yield relay
    relay.close()


def guest_in_room(connect, name: str, room_id: int):
    client = connect()
    client.login(name)
    assert client.call("room:join", {"roomId": room_id})["ok"]
    return client


def say(client, room_id: int, text: str) -> None:
    ack = client.call("room:message", {"roomId": room_id, "message": text})
    assert ack["ok"], ack


def test_after_a_network_outage_the_room_catches_up_without_a_reload(browser_context, link,
                                                                     connect):
    ana = new_account(browser_context, "ana.lima", "Ana Lima", base_url=link.url)
    ana.goto("/rooms/1")
    send(ana, "Starting the quiz in five minutes")
    ana.evaluate("window.sameDocument = true")  # gone if the page reloads
    dev = guest_in_room(connect, "dev", 1)
    say(dev, 1, "Ready when you are")
    expect(messages_saying(ana, "Ready when you are")).to_have_count(1)

    link.cut()  # Ana's network goes; the server and Dev are fine
    banner = ana.locator("#connection-status")
    expect(banner).to_be_visible()
    expect(banner).to_have_text("Reconnecting…")
    expect(ana.locator("#composer")).to_be_disabled()
    # More than the 100 messages a re-join brings back: the first ones come only from the
    # page's catch-up (GET .../messages?after=<the last one it showed>).
    meanwhile = ["Question 1: what does HTTP stand for?",
                 *[f"Answer {n}" for n in range(1, 106)],
                 "Question 2: name a sorting algorithm"]
    for text in meanwhile:
        say(dev, 1, text)
    expect(messages_saying(ana, "Question 1: what does HTTP stand for?")).to_have_count(0)

    link.restore()
    for text in ("Question 1: what does HTTP stand for?", "Question 2: name a sorting algorithm"):
        expect(messages_saying(ana, text)).to_have_count(1, timeout=BACK_MS)
    expect(banner).to_be_hidden(timeout=BACK_MS)  # "Back online" shows briefly, then goes
    ready_to_write(ana)
    say(dev, 1, "Question 3: what is a heap?")  # live again
    expect(messages_saying(ana, "Question 3: what is a heap?")).to_have_count(1)
    send(ana, "HyperText Transfer Protocol")
    expect(messages_saying(ana, "HyperText Transfer Protocol")).to_have_count(1)
    assert message_texts(ana) == ["Starting the quiz in five minutes", "Ready when you are",
                                  *meanwhile, "Question 3: what is a heap?",
                                  "HyperText Transfer Protocol"]  # each once, in order
    assert ana.evaluate("window.sameDocument") is True, "the page was reloaded"
    dev.wait_for("room:message:new",
                 lambda d: d["message"]["content"] == "HyperText Transfer Protocol")
    assert_no_errors(ana.context, allow=OUTAGE_NOISE)


def test_after_a_server_restart_the_room_comes_back_by_itself(browser_context, server, connect):
    ana = new_account(browser_context, "ana.costa", "Ana Costa")
    ana.goto("/rooms/2")
    send(ana, "Anyone around for the exam review?")
    ana.evaluate("window.sameDocument = true")

    server.stop(signal.SIGKILL)  # a crash: no goodbye to the sockets
    banner = ana.locator("#connection-status")
    expect(banner).to_have_text("Reconnecting…")
    expect(ana.locator("#composer")).to_be_disabled()
    server.start()  # same port, same database
    dev = guest_in_room(connect, "dev2", 2)
    say(dev, 2, "I am, sorry, the server was down")  # before or after Ana is back: once

    expect(messages_saying(ana, "I am, sorry, the server was down")).to_have_count(1,
                                                                                 timeout=BACK_MS)
    expect(banner).to_be_hidden(timeout=BACK_MS)
    send(ana, "No problem. Chapter 4 first?")  # Ana is in the room again, as herself
    got = dev.wait_for("room:message:new",
                       lambda d: d["message"]["content"] == "No problem. Chapter 4 first?")
    assert got["message"]["sender"] == "ana.costa", got
    shown_in_order(ana, ["Anyone around for the exam review?", "I am, sorry, the server was down",
                         "No problem. Chapter 4 first?"])
    assert ana.evaluate("window.sameDocument") is True, "the page was reloaded"
    assert_no_errors(ana.context, allow=OUTAGE_NOISE)
