"""Watching the sidebar's rooms: live unread badges for rooms and event chats a page has not
joined (``sidebar:watch``, see :mod:`chatapp.realtime.sidebar_broadcast`). It writes nothing;
it is an action because it authorises and subscribes, as joining a room does."""
from __future__ import annotations

from sqlalchemy import func, select

from chatapp.actions.event_lifecycle import check_event
from chatapp.actions.rooms import check_community_room
from chatapp.errors import Invalid, TooLarge
from chatapp.extensions import db
from chatapp.models import Message, Room, RoomRead
from chatapp.queries.unread import room_unread
from chatapp.realtime import sidebar_broadcast
from chatapp.security import authz
from chatapp.security.identity import Actor
from chatapp.validation import MAX_ID

MAX_IDS_PER_REQUEST = 200  # a sidebar lists far fewer (events: 8 per list)
MAX_WATCHED = 500  # per socket, so one socket cannot sit in every room's channel


def check_watch_request(data: dict) -> tuple[list[int], list[str]]:
    """``(room ids, event ids)`` from ``{roomIds?, eventIds?}``: lists of integers and of
    strings, at least one id in all, at most :data:`MAX_IDS_PER_REQUEST`; repeats dropped."""
    room_ids, event_ids = data.get("roomIds", []), data.get("eventIds", [])
    if not isinstance(room_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in room_ids):
        raise Invalid("roomIds must be a list of room ids",
                      fields={"roomIds": "a list of positive integers"})
    if not isinstance(event_ids, list) or not all(
            isinstance(i, str) and 0 < len(i) <= 200 for i in event_ids):
        raise Invalid("eventIds must be a list of event ids",
                      fields={"eventIds": "a list of non-empty strings"})
    room_ids, event_ids = list(dict.fromkeys(room_ids)), list(dict.fromkeys(event_ids))
    if not room_ids and not event_ids:
        raise Invalid("name at least one room or event", fields={"roomIds": "is required"})
    if len(room_ids) + len(event_ids) > MAX_IDS_PER_REQUEST:
        raise TooLarge(f"watch at most {MAX_IDS_PER_REQUEST} rooms and events at a time")
    return room_ids, event_ids


def do_watch_sidebar(sid: str, actor: Actor, data: dict) -> list[dict]:
    """Subscribe socket ``sid`` to the activity of the rooms (``roomIds``, community rooms)
    and event chats (``eventIds``) named, each of which the actor must be able to read: one
    that does not exist or is private to others refuses the whole request (``not_found``;
    ``banned`` where the actor is banned), and nothing is subscribed. Adds to what the socket
    already watches (at most :data:`MAX_WATCHED` in all).

    Returns the badges as they stand now, one per room watched, so a page that was away
    (a reconnect) resyncs: ``[{roomId, eventId, lastReadId, unread, mentions, latestId}]``,
    where ``lastReadId`` is null when the actor never opened the room (no read marker: its
    plain messages are not counted as unread, only mentions, as on page load) and
    ``latestId`` is the room's newest message id (0: none) that the counts include, so a
    ``room:activity`` or ``mention`` of a message up to it is not counted twice."""
    room_ids, event_ids = check_watch_request(data)
    rooms: dict[int, tuple[Room, str | None]] = {}
    for room_id in room_ids:
        rooms[room_id] = (check_community_room(room_id, actor), None)
    for event_id in event_ids:
        event = check_event(event_id)
        authz.check_can_see(actor, event.room)
        rooms[event.room_id] = (event.room, event.id)
    new = set(rooms) - sidebar_broadcast.watched_rooms(sid)
    if sidebar_broadcast.watched_count(sid) + len(new) > MAX_WATCHED:
        raise TooLarge(f"a socket may watch at most {MAX_WATCHED} rooms and events")
    sidebar_broadcast.watch(sid, list(rooms))
    return badges_of(actor, {room_id: event_id for room_id, (_, event_id) in rooms.items()})


def badges_of(actor: Actor, rooms: dict[int, str | None]) -> list[dict]:
    """``[{roomId, eventId, lastReadId, unread, mentions, latestId}]`` for ``{room id: event
    id}``. The newest ids are read first: a message after them is in no count here."""
    latest = dict(db.session.execute(
        select(Message.room_id, func.max(Message.id)).where(Message.room_id.in_(rooms))
        .group_by(Message.room_id)).all())
    markers = dict(db.session.execute(
        select(RoomRead.room_id, RoomRead.last_read_id).where(
            RoomRead.user_id == actor.user_id, RoomRead.room_id.in_(rooms))).all())
    counts = {entry["roomId"]: entry for entry in room_unread(actor) if entry["roomId"] in rooms}
    return [{"roomId": room_id, "eventId": event_id, "lastReadId": markers.get(room_id),
             "unread": counts.get(room_id, {}).get("unread", 0),
             "mentions": counts.get(room_id, {}).get("mentions", 0),
             "latestId": latest.get(room_id) or 0}
            for room_id, event_id in rooms.items()]

