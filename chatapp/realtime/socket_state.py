"""What this process remembers about each of its sockets, so hot paths need no query.

The database holds the same facts for other processes (``connections``, ``room_presence``);
this is the local cache of the sockets this process holds, written only after the action that
changed the database succeeded.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chatapp.actions.messages import RoomRef
from chatapp.security.identity import Actor


@dataclass(slots=True)
class SocketState:
    actor: Actor | None = None
    rooms: dict[int, RoomRef] = field(default_factory=dict)
    event: RoomRef | None = None  # the chat of the one live event this socket is in
    # The name a live-event client asked for when joinEvent made this socket a guest by name
    # alone; None for any other identity (user:login, a token, a session). That client logs
    # out and in under another name on the same socket by asking for a different one.
    guest_name_asked: str | None = None
    # presence:watch: the wire ids whose presence this socket shows, or everyone's.
    watched: frozenset[str] = frozenset()
    watches_everyone: bool = False


_sockets: dict[str, SocketState] = {}


def state_of(sid: str) -> SocketState:
    state = _sockets.get(sid)
    if state is None:
        state = _sockets[sid] = SocketState()
    return state


def peek_state(sid: str) -> SocketState | None:
    """The socket's state if it has any (never creates one: for fast paths that must not
    make a socket known before its connect handler has)."""
    return _sockets.get(sid)


def has_state(sid: str) -> bool:
    return sid in _sockets


def forget(sid: str) -> None:
    _sockets.pop(sid, None)


def local_socket_count() -> int:
    return len(_sockets)


def local_sids() -> list[str]:
    return list(_sockets)


def user_id_of(sid: str) -> int | None:
    """The user a socket of this process acts as (None if anonymous or unknown), for logs."""
    state = _sockets.get(sid)
    return state.actor.user_id if state is not None and state.actor is not None else None
