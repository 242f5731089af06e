"""Password hashing with Argon2 (pwdlib)."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_PASSWORD_LENGTH = 8


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # a malformed stored hash never lets anyone in
        return False


# Verifying against this keeps the time of a failed login for an unknown user the same.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash of nothing, for constant-time failure on unknown users."""
    return hash_password("closeloop-no-such-user")
