"""``flask users import FILE``: the old community backend's users, with their ids and passwords.

The file is a JSON export of the old backend's ``users`` collection: one document per line
(``mongoexport``'s default) or one JSON array. Each user is ``{_id, name, email, password,
avatar, status, lastSeen, createdAt}``, where ``_id`` may be ``{"$oid": ...}`` and the dates
``{"$date": ...}`` (an ISO string, milliseconds, or ``{"$numberLong": ...}``), as MongoDB's
extended JSON writes them.

Each user becomes an account like the old REST auth's (see
:mod:`chatapp.actions.legacy_accounts`) with the same id (so the app's JWTs and clients'
stored ids keep working) and the bcrypt hash as it is: it verifies at sign-in and is replaced
with an Argon2 hash on the first success. Importing twice changes nothing: a user whose id is
here already is left as is (one that was only known from a JWT gets the email and password).
A bad row is reported with its line and skipped; the others import.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chatapp.actions.accounts import account_with_email, check_email
from chatapp.actions.legacy_accounts import check_name
from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import User
from chatapp.security.passwords import is_bcrypt_hash
from chatapp.timeutil import utcnow
from chatapp.validation import check_external_id


class BadRow(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass
class ExportRow:
    line: int
    document: Any = None
    problem: str | None = None  # set when the line is not JSON at all


@dataclass
class ImportReport:
    imported: int = 0
    completed: int = 0  # known from a JWT before, now with their email and password
    unchanged: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)


def read_export(text: str) -> Iterator[ExportRow]:
    """The documents of an export with the line each starts on: JSON lines, or one array."""
    start = len(text) - len(text.lstrip())
    if text[start:start + 1] != "[":
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    yield ExportRow(number, json.loads(line))
                except json.JSONDecodeError as exc:
                    yield ExportRow(number, problem=f"not JSON ({exc.msg})")
        return
    decoder, position = json.JSONDecoder(), start + 1
    line_of = lambda offset: text.count("\n", 0, offset) + 1  # noqa: E731
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return
        try:
            document, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:  # the array cannot be followed past this
            yield ExportRow(line_of(position), problem=f"not JSON ({exc.msg}); stopped here")
            return
        yield ExportRow(line_of(position), document)
        position = end


def extended_id(value: Any) -> Any:
    return value.get("$oid") if isinstance(value, dict) else value


def extended_date(value: Any, name: str) -> datetime | None:
    """A naive UTC datetime from an ISO string, milliseconds, or ``{"$date": ...}``."""
    if isinstance(value, dict):
        value = value.get("$date")
        if isinstance(value, dict):
            value = value.get("$numberLong")
            value = int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None
    if value is None:
        return None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            moment = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        elif isinstance(value, str):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            raise ValueError
    except (ValueError, OverflowError, OSError):
        raise BadRow(f"{name}: not a date") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def check_row(document: Any) -> dict:
    """The columns of one user, or :class:`BadRow`."""
    if not isinstance(document, dict):
        raise BadRow("not a JSON object")
    external_id = check_external_id(extended_id(document.get("_id")))
    if external_id is None:
        raise BadRow("_id: missing, or not an id this server can use (1-64 letters, digits or "
                     "._:@|+=-, not all digits)")
    try:
        name, email = check_name(document.get("name")), check_email(document.get("email"))
    except ChatError as error:
        raise BadRow(error.message) from None
    password_hash = document.get("password")
    if not isinstance(password_hash, str) or not is_bcrypt_hash(password_hash):
        raise BadRow("password: missing, or not a bcrypt hash ($2a$/$2b$/$2y$)")
    avatar = document.get("avatar")
    # Only a picture is kept: the old default, the name's initials, is what the old REST
    # shape shows anyway when there is none.
    if not (isinstance(avatar, str) and avatar.startswith(("https://", "http://"))
            and len(avatar) <= 500 and not any(ch.isspace() for ch in avatar)):
        avatar = None
    return {"external_id": external_id, "username": name, "display_name": name, "email": email,
            "password_hash": password_hash, "avatar": avatar,
            "last_seen_at": extended_date(document.get("lastSeen"), "lastSeen"),
            "created_at": extended_date(document.get("createdAt"), "createdAt") or utcnow()}


def import_one(columns: dict, report: ImportReport) -> None:
    """Write one checked user (committed), or :class:`BadRow`."""
    user = db.session.scalar(select(User).where(User.external_id == columns["external_id"]))
    owner = account_with_email(columns["email"])
    if owner is not None and owner is not user:
        raise BadRow(f"email: {columns['email']} belongs to another user here")
    if user is not None and (user.password_hash is not None or user.email is not None):
        report.unchanged += 1
        return
    if user is None:
        db.session.add(User(**columns, is_guest=False, token_version=1))
    else:  # known from a host-app JWT only: now they can sign in with a password too
        user.email, user.password_hash = columns["email"], columns["password_hash"]
    db.session.commit()
    if user is None:
        report.imported += 1
    else:
        report.completed += 1


def do_import_users(text: str) -> ImportReport:
    """Import an export's users (see the module's docstring)."""
    report = ImportReport()
    for row in read_export(text):
        try:
            if row.problem:
                raise BadRow(row.problem)
            import_one(check_row(row.document), report)
        except BadRow as problem:
            db.session.rollback()
            report.bad.append((row.line, str(problem)))
        except IntegrityError:  # a unique id or email taken by a concurrent writer
            db.session.rollback()
            report.bad.append((row.line, "id or email already taken"))
    return report
