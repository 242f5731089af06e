"""Password hashing with Argon2 (pwdlib)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_PASSWORD_LENGTH = 8
GENERATED_LENGTH = 16
# No look-alikes (0/O, 1/l/I): a generated password is read off a screen and typed once.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = GENERATED_LENGTH) -> str:
    """A random password an admin hands over once (about 93 bits at 16 characters)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


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
