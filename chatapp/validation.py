"""Checks on client payloads. Each raises :class:`Invalid` (or :class:`TooLarge`) naming the field."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from chatapp.errors import Invalid, TooLarge

# Lone UTF-16 surrogates decode from JSON ("\\ud800") but cannot be encoded to UTF-8: any
# string holding one would fail in the database driver or the JSON encoder, so none is accepted.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters a reader cannot see or that reorder what they see (zero-width spaces, the BOM,
# bidi overrides and isolates): refused in names and other one-line fields, where they let one
# name pass for another. The zero-width (non-)joiners are kept: emoji sequences and some
# scripts (Persian, Indic) need them.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}
MAX_PAYLOAD_DEPTH = 32  # no client payload of either protocol nests more than a few levels


def check_unicode(value: str, field: str) -> str:
    """``value`` if it is valid Unicode (encodable as UTF-8), else :class:`Invalid`."""
    if _SURROGATE.search(value):
        raise Invalid(f"{field} is not valid Unicode", fields={field: "not valid Unicode"})
    return value


def check_payload(value: Any, what: str = "payload") -> None:
    """Refuse a client payload (a socket event's arguments, a REST body) that nests deeper
    than :data:`MAX_PAYLOAD_DEPTH` or holds a string (key or value) that is not valid Unicode.
    Iterative, so a hostile depth cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_unicode(item, what)
        elif isinstance(item, (dict, list, tuple)):
            if depth >= MAX_PAYLOAD_DEPTH:
                raise Invalid(f"{what} is nested more than {MAX_PAYLOAD_DEPTH} levels deep")
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str):
                        check_unicode(key, what)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def require_object(data: Any) -> dict:
    if not isinstance(data, dict):
        raise Invalid("payload must be an object")
    return data


# Our ids are 32-bit integer columns (PostgreSQL's integer): a larger one names nothing, and
# looking it up would be a database error (integer out of range), not a miss.
MAX_ID = 2**31 - 1


def require_int(data: dict, field: str) -> int:
    """An integer id; a decimal string is accepted because old clients sent ids either way."""
    value = data.get(field)
    if isinstance(value, bool):
        raise Invalid(f"{field} must be an integer", fields={field: "must be an integer"})
    if isinstance(value, int):
        if abs(value) > MAX_ID:
            raise Invalid(f"{field} is out of range", fields={field: "out of range"})
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() \
            and int(value.strip()) <= MAX_ID:
        return int(value.strip())
    if value is None:
        raise Invalid(f"{field} is required", fields={field: "is required"})
    raise Invalid(f"{field} must be an integer", fields={field: "must be an integer"})


def require_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{field} must be true or false", fields={field: "must be a boolean"})
    return value


def clean_text(value: Any, field: str, *, max_length: int, required: bool = True,
               single_line: bool = False) -> str:
    """Trim a string and enforce its length; an over-long value is ``too_large``."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        if value is None:
            raise Invalid(f"{field} is required", fields={field: "is required"})
        raise Invalid(f"{field} must be a string", fields={field: "must be a string"})
    text = check_unicode(value, field).strip()
    if required and not text:
        raise Invalid(f"{field} must not be empty", fields={field: "must not be empty"})
    if len(text) > max_length:
        raise TooLarge(f"{field} is longer than {max_length} characters",
                       fields={field: f"at most {max_length} characters"})
    if single_line and not is_visible_line(text):
        raise Invalid(f"{field} must not contain control, invisible or direction-changing "
                      "characters", fields={field: "no control or invisible characters"})
    return text


def is_visible_line(text: str) -> bool:
    """No control characters, line breaks, zero-width or bidi-override characters (the one-line
    fields: names, titles, statuses)."""
    return not any(unicodedata.category(ch) in _INVISIBLE_CATEGORIES
                   and ch not in _ALLOWED_FORMAT for ch in text)


def optional_text(data: dict, field: str, *, max_length: int, default: str = "") -> str:
    value = data.get(field)
    if value is None:
        return default
    return clean_text(value, field, max_length=max_length, required=False, single_line=True) or default


WIRE_USER_ID_MAX = 64


def require_user_ref(data: dict, field: str) -> str:
    """A user id as a client sends it: the wire form is a string (a number is accepted from
    older clients of ours). Returned as the canonical string; resolve it to a user with
    :func:`chatapp.queries.users.user_by_wire_id`. New code takes every client-sent user id
    through here, so the id scheme lives in one place."""
    value = data.get(field)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None:
        raise Invalid(f"{field} is required", fields={field: "is required"})
    if not isinstance(value, str) or not value.strip() or len(value) > WIRE_USER_ID_MAX \
            or _SURROGATE.search(value):
        raise Invalid(f"{field} must be a user id", fields={field: "must be a user id"})
    return value.strip()


# Matched with fullmatch: "$" alone would let an id end in a newline.
EXTERNAL_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@|+=-]{0,63}")


def check_external_id(value: Any) -> str | None:
    """A host-app user id (from a JWT claim or an export), as a string, or None if it cannot
    be one. All digits is refused: on the wire a decimal string names one of our own users
    (see :func:`chatapp.serializers.wire_user_id`), so a host-app id like ``"17"`` would be
    mistaken for ours."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value)
    if not EXTERNAL_ID_PATTERN.fullmatch(text) or text.isdigit():
        return None
    return text


# A client's own message id: a UUID, a counter, anything short and printable (fullmatch).
CLIENT_MESSAGE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def optional_client_message_id(value: Any) -> str | None:
    """``clientMessageId``: absent (None) or 1-64 letters, digits, '.', '_', ':' or '-'."""
    if value is None:
        return None
    if not isinstance(value, str) or not CLIENT_MESSAGE_ID_PATTERN.fullmatch(value):
        raise Invalid("clientMessageId must be 1-64 letters, digits, '.', '_', ':' or '-'",
                      fields={"clientMessageId": "1-64 letters, digits, '.', '_', ':' or '-'"})
    return value
