"""Message formatting: the safe Markdown subset, the same in socket payloads, REST and pages."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.formatting import ALLOWED_TAGS, plain_text, render_markdown
from chatapp.pages.rendering import markdown
from tests.unit_support import bus, login  # noqa: F401

ROOM_1 = RoomRef(1, "community")


def elements(html: str) -> list[tuple[str, dict]]:
    """Every start tag in ``html`` with its attributes, as a browser's parser reads them."""
    found: list[tuple[str, dict]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))
    Collect().feed(html)
    return found


@pytest.mark.parametrize("text, html", [
    ("**bold** _it_ ~~gone~~ `x<y`",
     "<p><strong>bold</strong> <em>it</em> <s>gone</s> <code>x&lt;y</code></p>"),
    ("```\nif a < b:\n```", "<pre><code>if a &lt; b:\n</code></pre>"),
    ("> said\n\n- a\n- b", "<blockquote>\n<p>said</p>\n</blockquote>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
    ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
    ("line one\nline two", "<p>line one<br>\nline two</p>"),
    ("[docs](https://x.org/d)",
     '<p><a href="https://x.org/d" target="_blank" rel="nofollow noopener noreferrer">docs</a></p>'),
    ("see https://x.org/a.",
     ('<p>see <a href="https://x.org/a" target="_blank" rel="nofollow noopener noreferrer">'
      'https://x.org/a</a>.</p>')),
])
def test_the_subset_renders(text, html):
    assert render_markdown(text) == html


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![pic](https://evil.example/x.png)",
    '<a href="https://x.org" onclick="alert(1)">x</a>',
    "[x](vbscript:msgbox)",
])
def test_nothing_that_runs_or_loads_comes_out(text):
    tags = elements(render_markdown(text))
    assert {tag for tag, _ in tags} <= ALLOWED_TAGS
    for tag, attrs in tags:
        assert set(attrs) <= {"href", "target", "rel", "start"}, (tag, attrs)
        assert attrs.get("href", "https:").startswith(("https:", "http:", "mailto:"))


def test_headings_and_raw_html_stay_text():
    assert render_markdown("# not a heading <b>x</b>") == \
        "<p># not a heading &lt;b&gt;x&lt;/b&gt;</p>"


def test_stored_as_written_sent_rendered_live_and_in_history(bus, client):
    ana = login(bus, "sid-a", "ana")
    sent = do_send_message(ana.actor, ROOM_1, "**hi** <b>there</b>")
    assert sent["content"] == "**hi** <b>there</b>"
    assert sent["html"] == "<p><strong>hi</strong> &lt;b&gt;there&lt;/b&gt;</p>"
    assert bus.emits[0].data["message"]["html"] == sent["html"]
    history = client.get("/api/rooms/1/messages").get_json()["messages"]
    assert history[0]["content"] == sent["content"] and history[0]["html"] == sent["html"]


def test_the_pages_filter_is_the_same_renderer():
    assert str(markdown("**x** <i>")) == render_markdown("**x** <i>")
    assert str(markdown(None)) == ""


def test_the_plain_text_shortcut_gives_what_the_full_path_gives():
    """Plain sentences skip the parser; for every text the shortcut takes, the answer must
    be the full path's, character for character."""
    import random

    from chatapp.formatting import PLAIN, render_markdown_fully

    rng = random.Random(13)
    alphabet = "abcXYZ éß09 ,;:!?'().._-*#>1"
    samples = ["hello there", "ok. fine", "Hi (really) ok!", "it's 9 o'clock", "a ... b",
               "naïve café", "x  y", "wait: what?", "see example.com", "a_b", "a __b__",
               "at 3.30", "version 2.1.4", "router 192.168.0.1", "see 1.2.com",
               "x 1.2com", "t:12345.678:9", "v1.2 .3", "pi 3.14.", "a1.b2.c3", "z 0.5e3",
               "ip 10.0.0.1/8", "bench:x:main:3:17:123456.789"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
                for _ in range(3000)]
    # Dots between digits, letters and ends: only digit.digit may skip the parser.
    samples += ["".join(rng.choice("ab1 2..:c") for _ in range(rng.randint(1, 16)))
                for _ in range(3000)]
    shortcut = [t for t in samples
                if PLAIN.fullmatch(t) and "_" not in t and not t.endswith(" ")]
    assert len(shortcut) > 100  # the comparison below really covers the shortcut
    for text in samples:
        assert render_markdown(text) == render_markdown_fully(text), text


@pytest.mark.parametrize("text, plain", [
    ("I loved **Dune**", "I loved Dune"),
    ("_so_ ~~bad~~ `good` [here](https://example.com)", "so bad good here"),
    ("> quoted\n\n- one\n- two", "quoted one two"),
    ("```\nx = 1\n```", "x = 1"),
    ("a &amp; b \\*not bold\\*", "a & b *not bold*"),
    ("# hi <b>x</b>", "# hi <b>x</b>"),  # not markup in the subset: the text as written
    ("lunch at   noon?\nanyone", "lunch at noon? anyone"),
])
def test_plain_text_is_what_the_rendered_message_reads(text, plain):
    assert plain_text(text) == plain


def test_a_reply_quotes_its_original_as_plain_text_live_and_in_history(bus, client):
    """The quote of "I loved **Dune**" reads "I loved Dune", not its Markdown markup."""
    ana, ben = login(bus, "sid-a", "ana"), login(bus, "sid-b", "ben")
    original = do_send_message(ana.actor, ROOM_1, "I loved **Dune** and _Foundation_")
    reply = do_send_message(ben.actor, ROOM_1, "same", reply_to=original["id"])
    assert reply["replyTo"]["excerpt"] == "I loved Dune and Foundation"
    page = client.get("/api/rooms/1/messages").get_json()["messages"]
    assert page[0]["replyTo"]["excerpt"] == "I loved Dune and Foundation"
    assert "Dune and Foundation" in client.get("/rooms/1").get_data(as_text=True)
