"""Users of the host app, known by the id the app gave them (``User.external_id``).

A host-app JWT (:mod:`chatapp.security.jwt_tokens`) names its user by that id. We create the
user on first sight and keep their name and avatar as the app says: from the token's claims
when it has them (``name``, ``avatar`` or ``picture``), else from what the client sent with
``user:login`` (``username``, ``avatar``); later logins may update them. Accounts with a
password (the old REST auth's, imported ones) keep their own profile: only claims change it.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chatapp.actions.accounts import is_safe_url
from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.models import User
from chatapp.security.identity import read_credential
from chatapp.validation import clean_text

HOST_NAME_MAX = 64
AVATAR_MAX = 500


def clean_name(value: object) -> str | None:
    """A usable display name, or None (a bad one is ignored, not a reason to refuse a login)."""
    try:
        return clean_text(value, "name", max_length=HOST_NAME_MAX, single_line=True) or None
    except ChatError:
        return None


def clean_avatar(value: object) -> str | None:
    """An avatar as old clients send them (a URL, or the name's initials): kept only when it
    is safe to put in a page (http(s) or relative, never ``javascript:``)."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > AVATAR_MAX:
        return None
    return value.strip() if is_safe_url(value.strip()) else None


def do_user_for_credential(token: object, *, name: object = None,
                           avatar: object = None) -> User:
    """The user a credential names (see :func:`chatapp.security.identity.read_credential`);
    for a host-app JWT, created or updated as described above (and committed)."""
    credential = read_credential(token)
    if credential.host is None:
        return credential.user
    claims = credential.host.claims
    return do_sync_host_user(
        credential.user, credential.host.user_ref,
        claimed_name=clean_name(claims.get("name") or claims.get("username")),
        claimed_avatar=clean_avatar(claims.get("avatar") or claims.get("picture")),
        sent_name=clean_name(name), sent_avatar=clean_avatar(avatar))


def do_sync_host_user(user: User | None, external_id: str, *, claimed_name: str | None,
                      claimed_avatar: str | None, sent_name: str | None = None,
                      sent_avatar: str | None = None) -> User:
    """Create the host-app user ``external_id`` (``user`` None) or bring their name and avatar
    up to date. Their name is their username (it is what old clients show as the sender), and
    their display name too."""
    if user is None:
        name = claimed_name or sent_name or f"user-{external_id[-6:]}"
        user = User(external_id=external_id, username=name, display_name=name,
                    avatar=claimed_avatar or sent_avatar, is_guest=False, token_version=1)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:  # another socket created them a moment ago
            db.session.rollback()
            user = db.session.scalar(select(User).where(User.external_id == external_id))
        return user
    own_profile = user.password_hash is not None
    name = claimed_name or (None if own_profile else sent_name)
    avatar = claimed_avatar or (None if own_profile else sent_avatar)
    changed = False
    if name and (user.username, user.display_name) != (name, name):
        user.username = user.display_name = name
        changed = True
    if avatar and user.avatar != avatar:
        user.avatar, changed = avatar, True
    if changed:
        db.session.commit()
    return user
