"""Full-text search over every message a user may read: SQLite FTS5 or PostgreSQL full text.

What a user may read: undeleted messages of the community rooms they may see (public ones,
private ones they belong to, not those they are banned from), of event chats (public, as
their REST history is) and of their own private conversations; an admin sees every room but
still only their own conversations. The filter is part of the SQL, so a page never holds a
message the caller may not read and counts never leak.

The query text is reduced to words (letters and digits); each must match, the last as a
prefix (search as you type). No query syntax of either engine reaches the engine, so a
query cannot fail or widen itself. Ranked by relevance (bm25 / ts_rank), then newest first.
``highlight`` is built here, the same for both engines: an excerpt, HTML escaped, whose only
tags are ``<mark>`` around the matching words.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from markupsafe import escape
from sqlalchemy import and_, column, func, literal_column, or_, select, table

from chatapp.extensions import db
from chatapp.models import Message, Room, RoomBan
from chatapp.models.room import ROOM_KIND_COMMUNITY, ROOM_KIND_EVENT
from chatapp.queries.rooms import visible_rooms_condition
from chatapp.security.identity import Actor

WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8
EXCERPT_CHARS = 200
# The FTS5 table of migration 0009 (SQLite only); its hidden column of the same name is what
# MATCH is applied to.
FTS = table("messages_fts", column("rowid"), column("messages_fts"))


@dataclass(frozen=True)
class SearchFilters:
    words: list[str]
    room_id: int | None = None
    author_id: int | None = None
    before: datetime | None = None


def query_words(q: str) -> list[str]:
    return [w.lower() for w in WORD.findall(q)][:MAX_WORDS]


def readable_condition(actor: Actor):
    me = actor.user_id
    rooms = select(Room.id).where(or_(
        Room.kind == ROOM_KIND_EVENT,
        and_(Room.kind == ROOM_KIND_COMMUNITY, visible_rooms_condition(actor))))
    banned = select(RoomBan.room_id).where(RoomBan.user_id == me)
    in_rooms = and_(Message.room_id.in_(rooms), Message.room_id.not_in(banned))
    mine = and_(Message.room_id.is_(None),
                or_(Message.sender_id == me, Message.recipient_id == me))
    return and_(Message.deleted_at.is_(None), or_(in_rooms, mine))


def filter_conditions(filters: SearchFilters) -> list:
    conditions = []
    if filters.room_id is not None:
        conditions.append(Message.room_id == filters.room_id)
    if filters.author_id is not None:
        conditions.append(Message.sender_id == filters.author_id)
    if filters.before is not None:
        conditions.append(Message.created_at < filters.before)
    return conditions


def search_messages(actor: Actor, filters: SearchFilters, *, offset: int,
                    limit: int) -> list[tuple[Message, str]]:
    """Up to ``limit`` (message, highlight HTML) pairs after skipping ``offset``, best first."""
    if not filters.words:
        return []
    where = [readable_condition(actor), *filter_conditions(filters)]
    if db.engine.dialect.name == "postgresql":
        rows = _postgres(filters.words, where, offset, limit)
    else:
        rows = _sqlite(filters.words, where, offset, limit)
    return [(message, highlight_html(message.content, filters.words)) for message in rows]


def _sqlite(words: list[str], where: list, offset: int, limit: int):
    # Each word quoted (FTS5 string syntax, quotes doubled), the last a prefix.
    match = " ".join(f'"{w}"' for w in words[:-1])
    match = f'{match} "{words[-1]}"*'.strip()
    rank = literal_column("bm25(messages_fts)")
    stmt = (select(Message)
            .join(FTS, FTS.c.rowid == Message.id)
            .where(FTS.c.messages_fts.op("MATCH")(match), *where)
            .order_by(rank, Message.id.desc()).offset(offset).limit(limit))
    return list(db.session.scalars(stmt))


def _postgres(words: list[str], where: list, offset: int, limit: int):
    # Words are letters and digits only, so joining them builds a valid tsquery.
    tsquery = func.to_tsquery("simple", " & ".join(words[:-1] + [f"{words[-1]}:*"]))
    vector = func.to_tsvector("simple", Message.content)
    stmt = (select(Message)
            .where(vector.op("@@")(tsquery), *where)
            .order_by(func.ts_rank(vector, tsquery).desc(), Message.id.desc())
            .offset(offset).limit(limit))
    return list(db.session.scalars(stmt))


def folded(word: str) -> str:
    """Lower case without diacritics, as both engines compare words."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.lower())
                   if not unicodedata.combining(ch))


def highlight_html(content: str, words: list[str]) -> str:
    """An excerpt of ``content`` around its first match (whole when short), HTML escaped,
    with each matching word in ``<mark>``: the same on both engines (PostgreSQL's
    ts_headline would drop anything that looks like a tag)."""
    wanted, prefix = {folded(w) for w in words[:-1]}, folded(words[-1]) if words else ""
    matches = [m for m in WORD.finditer(content)
               if folded(m.group()) in wanted or (prefix and folded(m.group()).startswith(prefix))]
    start, end = 0, len(content)
    if len(content) > EXCERPT_CHARS:
        first = matches[0].start() if matches else 0
        start = max(0, first - EXCERPT_CHARS // 4)
        end = min(len(content), start + EXCERPT_CHARS)
    out, position = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        out.append(str(escape(content[position:match.start()])))
        out.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    out.append(str(escape(content[position:end])))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(content) else "")
