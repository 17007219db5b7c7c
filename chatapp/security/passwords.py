"""Password hashing with Argon2 (argon2-cffi), the current recommendation for new systems.

Accounts imported from the old Node backend arrive with bcrypt hashes (``$2a$``/``$2b$``/
``$2y$``, from bcryptjs). Those are only ever verified (with the ``bcrypt`` package), and
:func:`needs_rehash` says yes to them, so the first successful sign-in stores an Argon2 hash
instead (see :func:`chatapp.actions.accounts.do_authenticate`).
"""
from __future__ import annotations

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a failed login takes as long either way
# (no telling which usernames exist by timing).
_DUMMY_HASH = _hasher.hash("not-a-real-password")
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
BCRYPT_MAX_BYTES = 72  # bcrypt (and bcryptjs) look at no more than this


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def is_bcrypt_hash(password_hash: str | None) -> bool:
    return bool(password_hash) and password_hash.startswith(BCRYPT_PREFIXES) \
        and len(password_hash) == 60


def verify_password(password_hash: str | None, password: str) -> bool:
    if is_bcrypt_hash(password_hash):
        secret = password.encode("utf-8")[:BCRYPT_MAX_BYTES]  # as bcryptjs hashed it
        try:
            return bcrypt.checkpw(secret, password_hash.encode("ascii"))
        except ValueError:  # a malformed hash
            return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True for an imported bcrypt hash, or an Argon2 hash made with weaker parameters."""
    if not password_hash.startswith("$argon2"):
        return True
    return _hasher.check_needs_rehash(password_hash)
