"""Users by the id clients know them by (the wire id)."""
from __future__ import annotations

from chatapp.extensions import db
from chatapp.models import User
from chatapp.validation import MAX_ID


def user_by_wire_id(wire_id: str) -> User | None:
    """The user a wire id names, or None. Today a wire id is the user's own id in decimal."""
    if not (wire_id.isascii() and wire_id.isdigit()) or int(wire_id) > MAX_ID:
        return None
    return db.session.get(User, int(wire_id))
