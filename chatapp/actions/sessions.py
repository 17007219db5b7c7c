"""Logging a socket in as a user, and the user's status."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import insert, inspect

from chatapp.actions.accounts import is_reserved, is_safe_url
from chatapp.actions.host_users import do_user_for_credential
from chatapp.actions.presence import do_release_parked_name, do_remove_socket
from chatapp.cluster.process_registry import current_process_id
from chatapp.errors import AuthFailed, Invalid, RateLimited
from chatapp.extensions import db
from chatapp.models import Connection, User
from chatapp.observability import metrics
from chatapp.queries import presence as presence_queries
from chatapp.queries import rooms as room_queries
from chatapp.realtime import broadcast
from chatapp.security import ratelimit
from chatapp.security.identity import Actor, issue_token
from chatapp.serializers import user_payload, wire_user_id
from chatapp.timeutil import utcnow
from chatapp.validation import clean_text

USERNAME_MAX = 32
AVATAR_MAX = 500
STATUS_MAX = 100

# Built once and run through Core: a guest login writes its user and its socket, and the ORM's
# unit of work for those two INSERTs (an autoflush, then a flush) cost a fifth of a connect's
# CPU, eight times the statements themselves (py-spy, loadgen connections).
_INSERT_USER = insert(User)
_INSERT_CONNECTION = insert(Connection)


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    token: str
    rooms: list[dict]


def check_guest_name(username: object) -> str:
    name = clean_text(username, "username", max_length=USERNAME_MAX, single_line=True)
    if is_reserved(name):
        raise Invalid(f"{name!r} is reserved", fields={"username": "is reserved"})
    return name


def check_avatar(avatar: object) -> str | None:
    """Old clients send any avatar string; only a safe URL is kept (never ``javascript:``)."""
    if not isinstance(avatar, str) or not avatar.strip():
        return None
    avatar = avatar.strip()
    return avatar if len(avatar) <= AVATAR_MAX and is_safe_url(avatar) else None


def name_taken(name: str, *, asked_for: bool = False) -> bool:
    """Taken if an account has it (guests never use an account's name) or someone online
    goes by it. A name the guest ``asked_for`` is given back from sockets that wait, parked,
    since a restart: most likely this very guest, on a client that does not resume sessions,
    logging in again (a suffixed name asked for by nobody is not)."""
    if not presence_queries.guest_name_taken(name):
        return False
    if not asked_for or not do_release_parked_name(name):
        return True
    return presence_queries.guest_name_taken(name)


def free_guest_name(wanted: str, *, asked_for: bool = True) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... if that name is taken. ``asked_for``:
    someone asks for ``wanted`` by name (see :func:`name_taken`)."""
    candidate, n = wanted, 1
    while name_taken(candidate, asked_for=asked_for and candidate == wanted):
        n += 1
        suffix = f"-{n}"
        candidate = wanted[: USERNAME_MAX - len(suffix)] + suffix
    return candidate


def resolve_login_user(*, token: object, username: object, avatar: object,
                       current: Actor | None, client_ip: str | None = None) -> User:
    """The user a ``user:login`` acts as: a new guest is transient (not in the session yet:
    :func:`do_login` writes it with its socket), a new host-app user pending.

    A token names an existing identity (a host-app JWT may name someone new, who is created
    with ``username``/``avatar`` when its claims have none); without one, a socket already
    identified (by its handshake or an earlier login) keeps its identity, and any other socket
    becomes a new guest under a name nobody online is using. A bare name never resumes an
    identity: that would let anyone read another guest's private messages. A new guest counts
    against ``RATE_LIMIT_GUEST_CREATE`` for ``client_ip``, as the browser's guest form does
    (each one is a new row).
    """
    if token:
        return do_user_for_credential(token, name=username, avatar=avatar)
    if current is not None:
        return db.session.get(User, current.user_id)
    guest = new_guest(username, avatar)  # the name is checked first: a typo costs no quota
    ratelimit.check("RATE_LIMIT_GUEST_CREATE", client_ip and f"ip:{client_ip}")
    return guest


def new_guest(username: object, avatar: object = None) -> User:
    """A guest under ``username``, suffixed if someone uses it: transient (not added to the
    session; every column an :class:`Actor` reads is set)."""
    if not current_app.config["ALLOW_GUESTS"]:
        raise AuthFailed("Authentication failed: guests are not allowed; log in with an account")
    name = check_guest_name(username)
    return User(username=free_guest_name(name), avatar=check_avatar(avatar), is_guest=True,
                is_admin=False, token_version=1)


def insert_guest(guest: User) -> None:
    """Write a transient guest (:func:`new_guest`) through Core, giving it its id. It stays
    out of the session: nothing after the login reads it through the ORM."""
    guest.created_at = guest.last_seen_at = utcnow()
    row = {column: getattr(guest, column) for column in (
        "username", "avatar", "is_guest", "is_admin", "token_version", "created_at",
        "last_seen_at")}
    guest.id = db.session.connection().execute(_INSERT_USER, row).inserted_primary_key[0]


def do_create_guest(username: object, *, client_ip: str | None) -> User:
    """A guest for a browser (the guest form): stored, so the session can name it. Limited per
    address like account creation, since each one is a new row."""
    ratelimit.check("RATE_LIMIT_GUEST_CREATE", client_ip and f"ip:{client_ip}")
    try:
        guest = new_guest(username)
    except (AuthFailed, Invalid):
        db.session.rollback()
        raise
    db.session.add(guest)
    db.session.commit()
    return guest


def do_login(sid: str, *, token: object = None, username: object = None, avatar: object = None,
             current: Actor | None = None, session_user: User | None = None,
             client_ip: str | None = None, list_rooms: bool = True,
             anonymous_socket: bool = False) -> LoginResult:
    """Make socket ``sid`` act as a user (named by a token, a browser session, or a new guest);
    emit ``rooms:list`` (unless not ``list_rooms``) and ``user:session`` to it and
    ``user:online`` to everyone else if this is the user's first socket.

    ``list_rooms=False``: a live-event client logged in by its ``joinEvent``. The old
    live-event server never sent it the community's rooms, and counting every room's members
    was a third of each arrival's login in a join storm.

    ``anonymous_socket``: the caller knows the socket has acted as nobody yet (its state has
    no actor), so it has no ``connections`` row to look for."""
    method = "session" if session_user else "token" if token else "resume" if current else "guest"
    try:
        user = session_user or resolve_login_user(token=token, username=username, avatar=avatar,
                                                  current=current, client_ip=client_ip)
    except (AuthFailed, Invalid, RateLimited):
        db.session.rollback()
        metrics.login(method, ok=False)
        raise
    # A new guest, or a host-app user about to be created: nobody else has them yet.
    new_guest_user = inspect(user).transient
    new_user = new_guest_user or user in db.session.new
    if new_guest_user:
        insert_guest(user)
    elif new_user:
        user.last_seen_at = utcnow()  # in its INSERT
    # A socket that has acted as nobody yet has no connections row: no query to find it.
    existing = None if anonymous_socket else db.session.get(Connection, sid)
    if existing is not None and existing.user_id != user.id:
        # A token switches the socket to another identity: the old one leaves its rooms first.
        do_remove_socket(sid, unsubscribe=True)
        existing = None
    was_online = False
    if not new_user:
        # The UPDATE of last_seen_at takes the user's row lock (PostgreSQL; SQLite's single
        # writer serialises), so "first tab anywhere" is decided by one process only, as
        # lock_users would, without a statement of its own.
        user.last_seen_at = utcnow()
        db.session.flush()
        was_online = presence_queries.user_is_online(user.id)
    db.session.flush()  # a new host-app user: its id
    if existing is None:
        # The row first: the process's first login registers it, which commits.
        row = {"sid": sid, "user_id": user.id, "process_id": current_process_id(),
               "connected_at": utcnow()}
        db.session.connection().execute(_INSERT_CONNECTION, row)
    # One transaction per login: what the answer needs is read before the commit, since
    # the commit expires every loaded row (reading them after it would be another round of
    # queries in a new transaction, for each of 10,000 reconnecting users), and the events
    # it sends are logged for recovery in that same transaction (see broadcast.at_commit).
    actor = Actor.of(user)
    token_out = issue_token(user)
    rooms = room_queries.community_room_summaries(actor) if list_rooms else []
    with broadcast.at_commit():
        if list_rooms:
            broadcast.rooms_list(sid, rooms)
        broadcast.session_info(sid, user_payload(actor), token_out)
        if not was_online:
            broadcast.user_online(user_payload(actor), skip_sid=sid)
    metrics.login(method, ok=True)
    broadcast.subscribe(sid, broadcast.user_channel(actor.user_id))
    return LoginResult(actor, token_out, rooms)


def do_set_status(sid: str, actor: Actor, status: object) -> str:
    """Store the user's status text and tell everyone else (``user:status:update``)."""
    text = clean_text(status, "status", max_length=STATUS_MAX, single_line=True)
    user = db.session.get(User, actor.user_id)
    user.status = text
    db.session.commit()
    broadcast.status_update(wire_user_id(actor), text, skip_sid=sid)
    return text
