"""The left sidebar of every chat page: the rooms the viewer may see (by category), their
private conversations, live and upcoming events, each with its unread badge, and which one
the page shows (``current``). static/js/sidebar.js keeps it current; the markup is
``templates/partials/sidebar.html``."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from chatapp.models import Event, Room
from chatapp.models.event_status import LIVE, SCHEDULED
from chatapp.pages.auth import current_actor, current_user
from chatapp.queries import events as event_queries
from chatapp.queries import rooms as room_queries
from chatapp.queries.conversations import ConversationSummary, conversation_summaries

EVENTS_SHOWN = 8  # per list: the sidebar is a way to switch, the lobby lists them all


@dataclass(frozen=True)
class RoomEntry:
    room: Room
    users_count: int
    unread: int = 0
    mentions: int = 0


@dataclass(frozen=True)
class Sidebar:
    """``current``: ``"room:<id>"``, ``"conversation:<wire user id>"`` or ``"event:<id>"``."""

    current: str
    categories: list[tuple[str, list[RoomEntry]]] = field(default_factory=list)
    conversations: list[ConversationSummary] = field(default_factory=list)
    live_events: list[tuple[Event, int, int]] = field(default_factory=list)
    upcoming_events: list[tuple[Event, int, int]] = field(default_factory=list)


def room_badges(user_id: int, room_ids: list[int]) -> dict[int, tuple[int, int]]:
    """``{room_id: (unread, mentions)}`` for the viewer; empty where the server keeps no read
    state for rooms (then no room shows a badge until one arrives live)."""
    try:
        from chatapp.queries import unread as unread_queries  # issue 13's server side
    except ImportError:
        return {}
    counts = getattr(unread_queries, "room_unread_counts", None)
    return counts(user_id, room_ids) if counts is not None else {}


def sidebar_context(current: str) -> Sidebar:
    """What the sidebar shows to the page's viewer (anonymous visitors: public rooms and
    events only)."""
    viewer, user = current_actor(), current_user()
    rooms = room_queries.community_rooms_with_counts(viewer)
    badges = room_badges(user.id, [room.id for room, _ in rooms]) if user is not None else {}
    entries = [RoomEntry(room, count, *badges.get(room.id, (0, 0))) for room, count in rooms]
    entries.sort(key=lambda entry: (entry.room.category or "", entry.room.id))
    categories = [(category, list(group)) for category, group
                  in groupby(entries, key=lambda entry: entry.room.category or "")]
    return Sidebar(
        current=current, categories=categories,
        conversations=conversation_summaries(user.id) if user is not None else [],
        live_events=event_queries.events_with_counts(
            [LIVE], hide_empty_ad_hoc=True)[:EVENTS_SHOWN],
        upcoming_events=event_queries.events_with_counts([SCHEDULED])[:EVENTS_SHOWN])
