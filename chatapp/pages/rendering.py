"""Rendering user content safely in pages.

What users write is stored as the raw text they sent and escaped when a page shows it; nothing
a user supplies is ever emitted as markup. The one thing turned into markup is an ``http(s)``
link, built here from the escaped URL, so no ``javascript:`` or ``data:`` link can arise.
"""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, url_for
from markupsafe import Markup, escape

from chatapp.actions.accounts import is_safe_url
from chatapp.formatting import render_markdown
from chatapp.serializers import wire_user_id
from chatapp.timeutil import isoformat_z

# A link starts with http:// or https:// not glued to a preceding word or path, and runs to
# whitespace or a character that cannot be part of a URL in running text.
URL_PATTERN = re.compile(r"(?<![\w@/.+-])https?://[^\s<>\"'`\\]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the URL ("see https://x.org/a.").
TRAILING = ".,;:!?*"
CLOSERS = {")": "(", "]": "[", "}": "{"}
LINK_ATTRS = 'rel="nofollow noopener noreferrer" target="_blank"'
DEFAULT_AVATAR = "img/avatar.svg"


def trim_url(url: str) -> str:
    """``url`` without trailing sentence punctuation, and without a closing bracket that
    closes something opened before the URL (``(see https://x.org/a)``); a balanced one, as in
    ``https://en.wikipedia.org/wiki/Python_(language)``, stays."""
    while url:
        last = url[-1]
        if last in TRAILING or (last in CLOSERS and url.count(last) > url.count(CLOSERS[last])):
            url = url[:-1]
        else:
            break
    return url


def is_linkable(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and is_safe_url(url)


def linkify(text: object) -> Markup:
    """Escape raw ``text`` and turn its ``http(s)://`` URLs into links that open in a new tab
    without giving it a handle on this page (``noopener``) or telling it where the user came
    from (``noreferrer``); ``nofollow`` as users' links are not endorsements."""
    raw = "" if text is None else str(text)
    out: list[Markup] = []
    position = 0
    for match in URL_PATTERN.finditer(raw):
        url = trim_url(match.group(0))
        if not is_linkable(url):
            continue
        out.append(escape(raw[position:match.start()]))
        out.append(Markup(f'<a href="{{0}}" {LINK_ATTRS}>{{0}}</a>').format(url))
        position = match.start() + len(url)
    out.append(escape(raw[position:]))
    return Markup("").join(out)


def markdown(text: object) -> Markup:
    """A message's content as the safe Markdown subset's HTML, exactly the ``html`` field that
    sockets and REST send (:func:`chatapp.formatting.render_markdown`)."""
    return Markup(render_markdown("" if text is None else str(text)))


def safe_avatar(url: object) -> str:
    """The avatar URL if it is safe to put in ``src`` (http(s) or relative), else the default.
    Stored avatars were checked on the way in; this is the second check, on the way out."""
    if isinstance(url, str) and url.strip() and is_safe_url(url.strip()):
        return url.strip()
    return url_for("static", filename=DEFAULT_AVATAR)


def avatar_image(url: object) -> str | None:
    """The avatar's image URL when it is one (http(s), or a path on this site), else None:
    the page then shows coloured initials. The old protocol's default avatar was the name's
    initials ("AL"), which is text, not an address."""
    if not isinstance(url, str):
        return None
    value = url.strip()
    if not value or not (value.startswith("/") or re.match(r"https?://", value, re.IGNORECASE)):
        return None
    return value if is_safe_url(value) else None


def initials(name: object) -> str:
    """Up to two letters for a name: the first of its first two words ("Ana Lima" -> "AL",
    "ben.okafor" -> "BO"). static/js/avatars.js computes the same."""
    parts = [part for part in re.split(r"[\s._-]+", str(name or "").strip()) if part]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


def name_hue(name: object) -> int:
    """A stable hue (0-359) for a name, so a person keeps their colour everywhere; the same
    sum as static/js/avatars.js (over code points, so both agree beyond ASCII)."""
    hue = 0
    for char in str(name or ""):
        hue = (hue * 31 + ord(char)) % 360
    return hue


def shown_time(moment: datetime | None) -> str:
    """A readable UTC time for the text of a ``<time>`` element (its ``datetime`` is exact)."""
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def day_label(moment: datetime | None) -> str:
    """A day separator's text without JavaScript (UTC; the page's script relabels it in the
    viewer's zone: "Today", "Yesterday", "Monday 24 November")."""
    return "" if moment is None else f"{moment:%A} {moment.day} {moment:%B %Y}"


def init_app(app: Flask) -> None:
    app.add_template_filter(linkify, "linkify")
    app.add_template_filter(markdown, "markdown")
    app.add_template_filter(safe_avatar, "safe_avatar")
    app.add_template_filter(isoformat_z, "isoformat_z")
    app.add_template_filter(shown_time, "shown_time")
    app.add_template_filter(avatar_image, "avatar_image")
    app.add_template_filter(initials, "initials")
    app.add_template_filter(name_hue, "name_hue")
    app.add_template_filter(day_label, "day_label")
    # Pages name users as the wire does (data-user-id, conversation links), so scripts can
    # compare them with the ids in socket payloads.
    app.add_template_filter(wire_user_id, "wire_id")
