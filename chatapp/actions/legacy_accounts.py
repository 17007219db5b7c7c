"""Accounts as the old community backend made them: a name, a unique email and a password.

Such an account is a user of the host app: it gets a host-app style id (24 hex digits, like
the old backend's database ids), which is its id on the wire and in the JWTs it signs in with.
Its name is its username (what old clients show as the sender) and its display name; it signs
in with its email (on the web pages too). Password rules and Argon2 are ours.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chatapp.actions.accounts import account_with_email, check_email, check_password
from chatapp.errors import Conflict
from chatapp.extensions import db
from chatapp.models import User
from chatapp.security.passwords import hash_password
from chatapp.validation import clean_text

NAME_MAX = 50  # as the old backend's schema


def check_name(name: object) -> str:
    return clean_text(name, "name", max_length=NAME_MAX, single_line=True)


def new_external_id() -> str:
    """24 hex digits, as the old backend's (MongoDB) ids; never all digits, so never mistaken
    for one of our own ids on the wire."""
    while True:
        candidate = secrets.token_hex(12)
        if not candidate.isdigit() and db.session.scalar(
                select(User.id).where(User.external_id == candidate)) is None:
            return candidate


def do_register_legacy(name: object, email: object, password: object) -> User:
    """Create an account from the old REST auth's ``{name, email, password}``;
    :class:`Conflict` if the email is taken."""
    shown = check_name(name)
    address = check_email(email)
    secret = check_password(password, username=shown)
    if account_with_email(address) is not None:
        raise Conflict("User already exists", fields={"email": "is taken"})
    user = User(external_id=new_external_id(), username=shown, display_name=shown,
                email=address, password_hash=hash_password(secret), is_guest=False,
                token_version=1)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same email registered a moment ago
        db.session.rollback()
        raise Conflict("User already exists", fields={"email": "is taken"}) from None
    return user
