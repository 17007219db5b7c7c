"""Accounts: registering, logging in, logging out, passwords and profiles."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from chatapp.errors import AuthFailed, Conflict, Invalid
from chatapp.extensions import db
from chatapp.models import Connection, User
from chatapp.observability import metrics
from chatapp.realtime import broadcast
from chatapp.security import ratelimit
from chatapp.security.passwords import hash_password, needs_rehash, verify_password
from chatapp.validation import clean_text

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")
RESERVED_NAMES = frozenset({
    "admin", "administrator", "root", "system", "moderator", "mod", "support", "staff",
    "server", "bot", "null", "undefined", "anonymous", "guest", "everyone", "here",
})
PASSWORD_MIN, PASSWORD_MAX = 10, 200
DISPLAY_NAME_MAX, AVATAR_MAX, STATUS_MAX = 64, 500, 100
EMAIL_MAX = 254


def is_reserved(name: str) -> bool:
    return name.lower() in RESERVED_NAMES


def check_username(username: object) -> str:
    """3-32 letters, digits, '.', '_' or '-', starting with a letter or digit; not reserved."""
    if not isinstance(username, str) or not USERNAME_PATTERN.fullmatch(username.strip()):
        raise Invalid("username must be 3-32 letters, digits, '.', '_' or '-'",
                      fields={"username": "3-32 letters, digits, '.', '_' or '-'"})
    username = username.strip()
    if is_reserved(username):
        raise Invalid(f"{username!r} is reserved", fields={"username": "is reserved"})
    return username


def check_password(password: object, *, username: str) -> str:
    """At least 10 characters, not the username, not one character repeated."""
    if not isinstance(password, str):
        raise Invalid("password must be a string", fields={"password": "is required"})
    problem = None
    if len(password) < PASSWORD_MIN:
        problem = f"at least {PASSWORD_MIN} characters"
    elif len(password) > PASSWORD_MAX:
        problem = f"at most {PASSWORD_MAX} characters"
    elif password.lower() == username.lower() or len(set(password)) < 4:
        problem = "too easy to guess"
    if problem:
        raise Invalid(f"password: {problem}", fields={"password": problem})
    return password


def account_named(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.account_key == username.lower()))


def check_email(email: object) -> str:
    """A syntactically valid address (no DNS look-up), normalised and lower-cased: emails are
    unique case-insensitively."""
    if not isinstance(email, str) or not email.strip():
        raise Invalid("email is required", fields={"email": "is required"})
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Invalid(f"email: {exc}", fields={"email": "not a valid email address"}) from None
    if len(address) > EMAIL_MAX:
        raise Invalid("email is too long", fields={"email": f"at most {EMAIL_MAX} characters"})
    return address.lower()


def account_with_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.lower()))


def account_for_sign_in(identifier: str) -> User | None:
    """The account a sign-in names: by email when it has an ``@`` (usernames never do), else
    by username."""
    if "@" in identifier:
        try:
            return account_with_email(check_email(identifier))
        except Invalid:
            return None
    return account_named(identifier)


def do_register(username: object, password: object, *, display_name: object = None,
                email: object = None) -> User:
    """Create an account. Names are unique case-insensitively among accounts, and so are
    emails (optional here)."""
    name = check_username(username)
    secret = check_password(password, username=name)
    shown = clean_text(display_name, "displayName", max_length=DISPLAY_NAME_MAX, required=False,
                       single_line=True) or None
    address = check_email(email) if email not in (None, "") else None
    if account_named(name) is not None:
        raise Conflict(f"the username {name!r} is taken", fields={"username": "is taken"})
    if address is not None and account_with_email(address) is not None:
        raise Conflict("an account with this email exists", fields={"email": "is taken"})
    user = User(username=name, account_key=name.lower(), password_hash=hash_password(secret),
                display_name=shown, email=address, is_guest=False, token_version=1)
    db.session.add(user)
    db.session.commit()
    return user


def do_make_admin(username: str, password: str) -> User:
    """Make an existing account an admin, or create it as one (``flask users create-admin``)."""
    user = account_named(username) or do_register(username, password)
    user.is_admin = True
    db.session.commit()
    return user


def do_authenticate(username: object, password: object, *, client_ip: str | None) -> User:
    """The account for these credentials (a username or an email, see
    :func:`account_for_sign_in`), or :class:`AuthFailed`. Failed attempts are limited per
    name and per IP address; a success clears the name's count. An imported bcrypt hash is
    replaced with an Argon2 one on the first success."""
    name = username.strip() if isinstance(username, str) else ""
    ratelimit_keys = (f"user:{name.lower()}", f"ip:{client_ip}" if client_ip else None)
    # Over the limit, even the right password is refused: otherwise guessing goes on.
    ratelimit.ensure_below("RATE_LIMIT_LOGIN_FAILURES", *ratelimit_keys)
    user = account_for_sign_in(name) if name else None
    if not verify_password(user.password_hash if user else None,
                           password if isinstance(password, str) else ""):
        metrics.login("password", ok=False)
        ratelimit.check("RATE_LIMIT_LOGIN_FAILURES", *ratelimit_keys)
        raise AuthFailed("wrong username or password")
    ratelimit.forget_login_failures(ratelimit_keys[0])
    metrics.login("password", ok=True)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def disconnect_user_sockets(user_id: int) -> None:
    """Close every socket of the user, on any process (the message queue carries it)."""
    sids = db.session.scalars(select(Connection.sid).where(Connection.user_id == user_id)).all()
    for sid in sids:
        broadcast.disconnect_socket(sid)


def do_logout(user: User) -> None:
    """Revoke every token the user holds and close their sockets."""
    user.token_version += 1
    db.session.commit()
    disconnect_user_sockets(user.id)


def do_change_password(user: User, current: object, new: object) -> None:
    """Replace the password (the current one must be given; failures are throttled like
    logins) and revoke every token and session issued before."""
    key = f"user:{user.username.lower()}"
    ratelimit.ensure_below("RATE_LIMIT_LOGIN_FAILURES", key)
    if not verify_password(user.password_hash, current if isinstance(current, str) else ""):
        ratelimit.check("RATE_LIMIT_LOGIN_FAILURES", key)
        raise AuthFailed("the current password is wrong")
    user.password_hash = hash_password(check_password(new, username=user.username))
    user.token_version += 1  # every token issued before is revoked
    db.session.commit()
    disconnect_user_sockets(user.id)


def do_update_profile(user: User, data: dict) -> User:
    """Display name, avatar URL (http or https only) and status text."""
    if "displayName" in data:
        user.display_name = clean_text(data["displayName"], "displayName",
                                       max_length=DISPLAY_NAME_MAX, required=False,
                                       single_line=True) or None
    if "avatar" in data:
        user.avatar = check_avatar_url(data["avatar"])
    if "status" in data:
        user.status = clean_text(data["status"], "status", max_length=STATUS_MAX, required=False,
                                 single_line=True) or None
    db.session.commit()
    return user


URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def is_safe_url(url: str) -> bool:
    """http(s), or a relative URL on this site: never ``javascript:``, ``data:``, another
    scheme, or a protocol-relative ``//host`` link."""
    if re.search(r"[\s\"'<>\\`]", url) or url.startswith("//"):
        return False
    scheme = URL_SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in ("http", "https")


def check_avatar_url(value: object) -> str | None:
    url = clean_text(value, "avatar", max_length=AVATAR_MAX, required=False, single_line=True)
    if not url:
        return None
    if not is_safe_url(url):
        raise Invalid("avatar must be an http(s) URL", fields={"avatar": "must be an http(s) URL"})
    return url
