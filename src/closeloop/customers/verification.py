"""One-time SMS codes (短信验证码): a customer proves they hold their number before the bot or
the tracking page shows them their own account.

`request_code` raises `VerificationCodeIssued` (the care domain sends the SMS) and keeps only a
keyed hash of the code; `confirm_code` accepts the newest unexpired code once, within a few tries.
Requests are spaced and counted per number and purpose, so a public page cannot be used to flood
a phone or to guess a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.customers.events import VerificationCodeIssued
from closeloop.customers.models import Customer, VerificationCode
from closeloop.kit.actor import SYSTEM
from closeloop.kit.errors import InvalidInput, TooManyRequests
from closeloop.runtime.work import Work

CODE_DIGITS = 6
VALID_FOR = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
PER_HOUR = 5  # codes per number and purpose in an hour
MAX_ATTEMPTS = 5  # wrong tries before a code is spent


def _hash(secret: str, msisdn: str, purpose: str, code: str) -> str:
    message = f"{msisdn}:{purpose}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _check_purpose(purpose: str) -> None:
    if not purpose or len(purpose) > 32:
        raise InvalidInput.field("purpose", "a purpose of 1 to 32 characters")


def request_code(session: Session, msisdn: str, purpose: str, *, now: datetime) -> bool:
    """Send a new code to `msisdn` for `purpose`. False when the number is not a customer's
    (callers answer alike either way, so a page does not tell who is a customer); 429 when a
    code was sent less than a minute ago or too many within the hour."""
    _check_purpose(purpose)
    customer_id = session.scalar(select(Customer.id).where(Customer.msisdn == msisdn))
    if customer_id is None:
        return False
    recent = select(func.count(), func.max(VerificationCode.created_at)).where(
        VerificationCode.msisdn == msisdn,
        VerificationCode.purpose == purpose,
        VerificationCode.created_at > now - timedelta(hours=1),
    )
    count, last = session.execute(recent).one()
    if last is not None and now - last < RESEND_AFTER:
        wait = RESEND_AFTER - (now - last)
        raise TooManyRequests("a code was sent less than a minute ago", int(wait.total_seconds()))
    if count >= PER_HOUR:
        raise TooManyRequests(f"{PER_HOUR} codes were sent within the hour", 3600)
    work = Work.of(session)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    record = VerificationCode(
        msisdn=msisdn,
        purpose=purpose,
        code_hash=_hash(work.settings.secret_key, msisdn, purpose, code),
        created_at=now,
        expires_at=now + VALID_FOR,
        attempts=0,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        SYSTEM,
        "verification.send",
        "customer",
        customer_id,
        f"purpose={purpose}",
        clock=work.clock,
    )
    work.publish(
        VerificationCodeIssued(
            at=now,
            customer_id=customer_id,
            msisdn=msisdn,
            purpose=purpose,
            code=code,
            expires_at=record.expires_at,
        )
    )
    return True


def confirm_code(session: Session, msisdn: str, purpose: str, code: str, *, now: datetime) -> bool:
    """Whether `code` is the newest unexpired, unused code sent to `msisdn` for `purpose`; a
    right code is used up, a wrong one counts against the code's tries."""
    _check_purpose(purpose)
    record = session.scalar(
        select(VerificationCode)
        .where(
            VerificationCode.msisdn == msisdn,
            VerificationCode.purpose == purpose,
            VerificationCode.used_at.is_(None),
        )
        .order_by(VerificationCode.created_at.desc(), VerificationCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    if record is None or record.expires_at <= now or record.attempts >= MAX_ATTEMPTS:
        return False
    work = Work.of(session)
    secret = work.settings.secret_key
    right = hmac.compare_digest(record.code_hash, _hash(secret, msisdn, purpose, code.strip()))
    record.attempts += 1
    if right:
        record.used_at = now
    audit.record(
        session,
        SYSTEM,
        "verification.confirm" if right else "verification.refuse",
        "verification_code",
        record.id,
        f"purpose={purpose} attempt={record.attempts}",
        clock=work.clock,
    )
    return right
