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
from chatapp.queries import unread as unread_queries
from chatapp.queries.conversations import ConversationSummary, conversation_summaries
from chatapp.security.identity import Actor

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
    # {room id: (unread, mentions)}; events' chats are rooms too (``event.room_id``).
    badges: dict[int, tuple[int, int]] = field(default_factory=dict)
    # {room id: the last message id the viewer read there}: the page's "New messages" line.
    reads: dict[int, int] = field(default_factory=dict)

    def event_badges(self, event: Event) -> tuple[int, int]:
        return self.badges.get(event.room_id, (0, 0))


def room_badges(viewer: Actor) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """``({room_id: (unread, mentions)}, {room_id: last read message id})`` for the viewer
    (community rooms and events' chats alike): others' messages after their read marker, and
    unread mentions of them."""
    entries = unread_queries.room_unread(viewer)
    return ({e["roomId"]: (e["unread"], e["mentions"]) for e in entries},
            {e["roomId"]: e["lastReadId"] for e in entries if e["lastReadId"]})


def sidebar_context(current: str) -> Sidebar:
    """What the sidebar shows to the page's viewer (anonymous visitors: public rooms and
    events only)."""
    viewer, user = current_actor(), current_user()
    rooms = room_queries.community_rooms_with_counts(viewer)
    badges, reads = room_badges(viewer) if user is not None else ({}, {})
    entries = [RoomEntry(room, count, *badges.get(room.id, (0, 0))) for room, count in rooms]
    entries.sort(key=lambda entry: (entry.room.category or "", entry.room.id))
    categories = [(category, list(group)) for category, group
                  in groupby(entries, key=lambda entry: entry.room.category or "")]
    return Sidebar(
        current=current, categories=categories,
        conversations=conversation_summaries(user.id) if user is not None else [],
        live_events=event_queries.events_with_counts(
            [LIVE], hide_empty_ad_hoc=True)[:EVENTS_SHOWN],
        upcoming_events=event_queries.events_with_counts([SCHEDULED])[:EVENTS_SHOWN],
        badges=badges, reads=reads)
