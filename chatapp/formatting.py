"""Message formatting: a safe Markdown subset, rendered the same for pages, REST and sockets.

Messages are stored as written; what clients show is :func:`render_markdown`'s HTML, sent with
every message as ``html`` and used by the pages' ``markdown`` filter, so a message looks the
same after a reload as live. Two layers keep it safe: markdown-it-py with raw HTML off and only
the subset's rules on (bold, italic, strike, inline code, code blocks, links, quotes, lists),
then nh3 (ammonia) keeping only the subset's tags, ``http``/``https``/``mailto`` links, and
forcing ``rel="nofollow noopener noreferrer"`` and ``target="_blank"`` on links (as the
pages' plain-text links always had).
"""
from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

# Block and inline rules of the subset. Headings, tables, images and raw HTML stay off, so
# "# hi" or "<b>" read as the text they are.
RULES = ["blockquote", "code", "fence", "list", "emphasis", "strikethrough", "backticks",
         "link", "autolink", "escape", "newline", "entity", "linkify"]
ALLOWED_TAGS = {"p", "br", "strong", "em", "s", "code", "pre", "a", "blockquote", "ul", "ol",
                "li"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "breaks": a newline in a chat message is a line break, as people expect.
    md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": True})
    md.enable(RULES)
    # Only http(s) and mailto links come out of the parser (nh3 checks again).
    md.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://",
                                                                 "mailto:"))
    return md


# Most chat messages are plain sentences that no Markdown rule, link detector or escaping
# touches: one line, starting with a letter and not ending with a space, of letters, digits,
# spaces and ,;:!?'() and dots either not followed by a word character ("example.com" would
# become a link) or between two digits ("at 3.30", "version 2.1": a host name ends in
# letters). Their HTML is known without parsing (tests/test_formatting.py checks it equals
# the full path's).
PLAIN = re.compile(r"[^\W\d_](?:[\w ,;:!?'()]|\.(?!\w)|(?<=\d)\.(?=\d))*", re.UNICODE)


def render_markdown(text: str) -> str:
    """The safe HTML of a message's Markdown. Never raises on any text; whatever the text, the
    result holds only :data:`ALLOWED_TAGS`, no script, no event handlers, no other schemes."""
    if PLAIN.fullmatch(text) and "_" not in text and not text.endswith(" "):
        return f"<p>{text}</p>"
    return render_markdown_fully(text)


def render_markdown_fully(text: str) -> str:
    """:func:`render_markdown` without the plain-text shortcut."""
    html = _parser().render(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="nofollow noopener noreferrer",
                     set_tag_attribute_values={"a": {"target": "_blank"}}).strip()


# Inline tokens whose content is text a reader sees (links' words are "text" children).
TEXT_TOKENS = {"text", "text_special", "code_inline"}
# Block tokens that carry their text themselves (code blocks are not parsed as inline).
CODE_BLOCKS = {"fence", "code_block"}


def plain_text(text: str) -> str:
    """What a message reads as once rendered, without its Markdown markup, whitespace folded
    to single spaces: ``"lunch at **one**?"`` -> ``"lunch at one?"``; quotes, list items and
    code blocks keep their words. For places that show a message as one line of plain text
    (a reply's quote). Never raises on any text."""
    if PLAIN.fullmatch(text) and "_" not in text:
        return " ".join(text.split())  # nothing in it is markup
    words: list[str] = []
    for token in _parser().parse(text):
        if token.type in CODE_BLOCKS:
            words.append(token.content)
        for child in token.children or ():
            if child.type in TEXT_TOKENS:
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        words.append(" ")  # blocks (paragraphs, list items) are apart
    return " ".join("".join(words).split())
