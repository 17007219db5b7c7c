"""Users by the id clients know them by (the wire id)."""
from __future__ import annotations

from sqlalchemy import select

from chatapp.errors import NotFound
from chatapp.extensions import db
from chatapp.models import User
from chatapp.serializers import wire_user_id
from chatapp.validation import MAX_ID, require_user_ref


def user_by_wire_id(wire_id: str) -> User | None:
    """The user a wire id names, or None (see :func:`chatapp.serializers.wire_user_id`).

    All decimal digits: a local user by database id, unless that user belongs to the host app
    (they go by their external id, never by the number). Anything else: a host-app user by
    external id. So each user answers to exactly one wire id."""
    if wire_id.isascii() and wire_id.isdigit():
        if int(wire_id) > MAX_ID:
            return None
        user = db.session.get(User, int(wire_id))
        return user if user is not None and user.external_id is None else None
    return db.session.scalar(select(User).where(User.external_id == wire_id))


def user_for_ref(data: dict, field: str) -> User:
    """The user a client names in ``data[field]`` (a wire id; a number from older clients of
    ours); :class:`Invalid` if it is no id, :class:`NotFound` if nobody has it."""
    wire_id = require_user_ref(data, field)
    user = user_by_wire_id(wire_id)
    if user is None:
        raise NotFound(f"user {wire_id} does not exist")
    return user


def user_for_path(wire_id: str) -> User:
    """The user a URL path names (``/api/conversations/<userId>/...``), or :class:`NotFound`."""
    return user_for_ref({"userId": wire_id}, "userId")


def wire_id_of(user_id: int) -> str:
    """The wire id of a user known by database id (usually already in the identity map)."""
    user = db.session.get(User, user_id)
    return wire_user_id(user) if user is not None else str(user_id)
