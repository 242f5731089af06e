"""Signed, short-lived proofs for following tickets by number (按号码查询工单): the *pass* a
customer holds once they typed the SMS code (kept in a cookie), and the *asked* note of the code
step (kept in the form), which says when the code was asked for. Pure: the key and the time are
given."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

PASS_FOR = timedelta(minutes=30)  # how long a verified number may follow its tickets
_PASS = "track-pass"
_ASKED = "track-asked"
_SIGNATURE_CHARS = 32


def _sign(secret: str, purpose: str, msisdn: str, stamp: int) -> str:
    message = f"{purpose}:{msisdn}:{stamp}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:_SIGNATURE_CHARS]


def _seal(secret: str, purpose: str, msisdn: str, at: datetime) -> str:
    stamp = int(at.timestamp())
    return f"{msisdn}.{stamp}.{_sign(secret, purpose, msisdn, stamp)}"


def _open(secret: str, purpose: str, value: str) -> tuple[str, datetime] | None:
    parts = value.split(".")
    if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit() or len(parts[1]) > 12:
        return None
    msisdn, stamp, signature = parts[0], int(parts[1]), parts[2]
    if not hmac.compare_digest(_sign(secret, purpose, msisdn, stamp), signature):
        return None
    return msisdn, datetime.fromtimestamp(stamp, UTC)


def issue_pass(msisdn: str, secret: str, now: datetime) -> str:
    """The pass of a number just verified, good for `PASS_FOR`."""
    return _seal(secret, _PASS, msisdn, now + PASS_FOR)


def pass_holder(value: str | None, secret: str, now: datetime) -> str | None:
    """The number a pass was issued to, or None when it is missing, forged or expired."""
    opened = _open(secret, _PASS, value) if value else None
    if opened is None or opened[1] <= now:
        return None
    return opened[0]


def asked_note(msisdn: str, secret: str, now: datetime) -> str:
    """The note the code step's form carries: this number asked for a code now."""
    return _seal(secret, _ASKED, msisdn, now)


def asked_of(value: str, secret: str) -> tuple[str, datetime] | None:
    """The number and the time of a code step's note, or None when it is not ours."""
    return _open(secret, _ASKED, value) if value else None
