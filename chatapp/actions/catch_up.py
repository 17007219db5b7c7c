"""Catching up on a room or event chat from a cursor (``room:join {after}``, ``joinEvent
{after}``): every message after a message id, oldest first, in pages.

The pages go to the joining socket as consecutive history events (``room:history`` /
``eventHistory``), each carrying its cursors: ``after`` (where the page starts), ``nextAfter``
(the id of its last message when more follow, else null) and ``continues`` (another page event
follows at once). At most :data:`CATCH_UP_PAGES` pages are sent for one join, so one request
never floods a socket; when more remain, the last page has ``continues: false`` and a non-null
``nextAfter``, and the client asks again from there (another join, or REST ``?after=``).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chatapp.errors import Invalid
from chatapp.models import Message
from chatapp.queries import rooms as room_queries
from chatapp.validation import MAX_ID

CATCH_UP_PAGES = 10


def check_after(value: object) -> int | None:
    """The optional ``after`` cursor: a message id >= 0 (0 = from the beginning)."""
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 17:
        value = int(value)  # old clients send ids either way
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise Invalid("after must be a message id (an integer >= 0)",
                      fields={"after": "a message id >= 0"})
    return value


@dataclass(frozen=True)
class Page:
    messages: list[dict]
    after: int
    next_after: int | None
    continues: bool

    def cursor_fields(self) -> dict:
        return {"after": self.after, "nextAfter": self.next_after, "continues": self.continues}


def catch_up_pages(room_id: int, after: int, page_size: int,
                   serialize: Callable[[Sequence[Message]], list[dict]]) -> list[Page]:
    """The messages of ``room_id`` after ``after`` (deleted ones never), in pages of
    ``page_size``, each page's messages shaped by ``serialize`` (in bulk, as the
    message views load reactions and attachments); always at least one page (an empty one
    when there is nothing new)."""
    cap = page_size * CATCH_UP_PAGES
    rows = room_queries.room_messages_page(room_id, after=after, limit=cap + 1)
    more = len(rows) > cap
    rows = rows[:cap]
    chunks = [rows[i:i + page_size] for i in range(0, len(rows), page_size)] or [[]]
    pages, start = [], after
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        next_after = chunk[-1].id if chunk and (not last or more) else None
        pages.append(Page(serialize(chunk), start, next_after, not last))
        start = chunk[-1].id if chunk else start
    return pages
