"""Password hashing with Argon2 (pwdlib)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Argon2Cost:
    """What one Argon2id hash costs: memory (KiB), passes and lanes. A stored hash carries its
    own cost, so a hash made at one cost is verified at that cost whatever is in force now."""

    memory_kib: int
    time_cost: int
    parallelism: int


STANDARD_COST = Argon2Cost(memory_kib=65536, time_cost=3, parallelism=4)  # pwdlib's default
# The OWASP Password Storage Cheat Sheet's lowest Argon2id setting (19 MiB, 2 passes, 1 lane):
# about 23 ms a check here against 121 ms. The test suite uses it: it signs in thousands of times.
OWASP_MINIMUM_COST = Argon2Cost(memory_kib=19456, time_cost=2, parallelism=1)
_cost = [STANDARD_COST]


def use_cost(cost: Argon2Cost) -> None:
    """Hash new passwords at `cost` from now on in this process (the test suite's setting)."""
    _cost[0] = cost
    _hasher.cache_clear()
    dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    cost = _cost[0]
    hasher = Argon2Hasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
    )
    return PasswordHash((hasher,))


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
