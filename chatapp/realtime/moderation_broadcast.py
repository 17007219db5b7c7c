"""Emits of moderation (our addition), built on :func:`chatapp.realtime.broadcast.send`.

A community room hears ``room:*`` names keyed by ``roomId``; an event chat hears the
live-event style (camelCase) names keyed by ``eventId``. ``event_id`` None means a
community room. Every payload names the user both ways (userId, username).
"""
from __future__ import annotations

from chatapp.realtime import broadcast


def _in(room_id: int, event_id: str | None, community: str, live: str) -> tuple[str, dict]:
    if event_id is None:
        return community, {"roomId": room_id}
    return live, {"eventId": event_id}


def message_deleted(room_id: int, event_id: str | None, message_id: int) -> None:
    """To the room: ``room:message:deleted {roomId, messageId}`` or ``messageDeleted {id}``."""
    if event_id is None:
        broadcast.send("room:message:deleted", {"roomId": room_id, "messageId": message_id},
             to=broadcast.room_channel(room_id))
    else:
        # An event's message ids are strings, as in newMessage.
        broadcast.send("messageDeleted", {"id": str(message_id), "eventId": event_id},
             to=broadcast.room_channel(room_id))


def user_muted(room_id: int, event_id: str | None, user: dict, until: str, by: dict) -> None:
    """To the room: ``room:user:muted`` / ``userMuted`` ``{.., userId, username, until, by}``."""
    name, scope = _in(room_id, event_id, "room:user:muted", "userMuted")
    broadcast.send(name, {**scope, "userId": user["userId"], "username": user["username"], "until": until,
                "by": by}, to=broadcast.room_channel(room_id))


def user_unmuted(room_id: int, event_id: str | None, user: dict) -> None:
    """To the room: ``room:user:unmuted`` / ``userUnmuted`` ``{.., userId, username}``."""
    name, scope = _in(room_id, event_id, "room:user:unmuted", "userUnmuted")
    broadcast.send(name, {**scope, "userId": user["userId"], "username": user["username"]},
         to=broadcast.room_channel(room_id))


def user_removed(room_id: int, event_id: str | None, user: dict, by: dict, *, banned: bool,
                 user_id: int, reason: str = "") -> None:
    """A kick (``room:user:kicked`` / ``userKicked``) or a ban (``room:user:banned`` /
    ``userBanned``, with the reason): to the room and to every socket of the user, whose
    sockets have already left the room's channel, so that each hears it once. ``user`` is
    the user's payload, ``user_id`` their database id (for their channel)."""
    if banned:
        name, scope = _in(room_id, event_id, "room:user:banned", "userBanned")
        extra = {"reason": reason}
    else:
        name, scope = _in(room_id, event_id, "room:user:kicked", "userKicked")
        extra = {}
    payload = {**scope, "userId": user["userId"], "username": user["username"], "by": by, **extra}
    broadcast.send(name, payload, to=broadcast.room_channel(room_id))
    broadcast.send(name, payload, to=broadcast.user_channel(user_id))


def user_unbanned(room_id: int, event_id: str | None, user: dict, *, user_id: int) -> None:
    """``room:user:unbanned`` / ``userUnbanned``: to the room and to the user (who may return)."""
    name, scope = _in(room_id, event_id, "room:user:unbanned", "userUnbanned")
    payload = {**scope, "userId": user["userId"], "username": user["username"]}
    broadcast.send(name, payload, to=broadcast.room_channel(room_id))
    broadcast.send(name, payload, to=broadcast.user_channel(user_id))


def slow_mode(room_id: int, event_id: str | None, seconds: int) -> None:
    """To the room: ``room:slowmode`` / ``slowMode`` ``{.., seconds}`` (0: off)."""
    name, scope = _in(room_id, event_id, "room:slowmode", "slowMode")
    broadcast.send(name, {**scope, "seconds": seconds}, to=broadcast.room_channel(room_id))


def moderator_changed(room_id: int, event_id: str | None, user: dict, is_moderator: bool) -> None:
    """To the room: ``room:moderator`` / ``moderatorChanged`` ``{.., userId, username,
    isModerator}``."""
    name, scope = _in(room_id, event_id, "room:moderator", "moderatorChanged")
    broadcast.send(name, {**scope, "userId": user["userId"], "username": user["username"],
                "isModerator": is_moderator}, to=broadcast.room_channel(room_id))
