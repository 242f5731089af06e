"""Following one's tickets by number plus an SMS code (按号码查询工单): a customer asks for a
code, types it, and then sees every open and recent ticket of theirs as the tracking page shows
one. Nothing here tells whether a number is a customer's: every number gets the same answers,
and the limits on asking count numbers and addresses alike whether or not a code went out."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.channels import limits
from closeloop.channels.tracking import TrackedTicket, progress_of
from closeloop.customers.models import Customer
from closeloop.customers.rules import msisdn_problem
from closeloop.customers.verification import (
    CODE_DIGITS,
    PER_HOUR,
    VALID_FOR,
    confirm_code,
    request_code,
)
from closeloop.kit.clock import Clock
from closeloop.kit.errors import InvalidInput
from closeloop.tickets.tracking import followed_ticket_ids, tracking_token

PURPOSE = "tracking"
RECENT = timedelta(days=30)  # finished tickets stay in the list this long
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Followed:
    """One ticket of the list, with the token of its own tracking page."""

    ticket: TrackedTicket
    token: str


def checked_number(msisdn: str) -> str:
    """The typed number without spaces or dashes; 422 naming `msisdn` when it is not one."""
    number = msisdn.strip().replace(" ", "").replace("-", "")
    problem = msisdn_problem(number)
    if problem:
        raise InvalidInput.field(["form", "msisdn"], f"mobile number {problem}")
    return number


def checked_code(code: str) -> str:
    """The typed code; 422 naming `code` unless it is six digits."""
    typed = code.strip()
    if len(typed) != CODE_DIGITS or not (typed.isascii() and typed.isdigit()):
        raise InvalidInput.field(["form", "code"], f"the code has {CODE_DIGITS} digits")
    return typed


def _number_key(msisdn: str, secret: str) -> str:
    """The number as the rate limits count it (keyed hash: the hits table keeps no numbers)."""
    return hmac.new(secret.encode(), f"track:{msisdn}".encode(), hashlib.sha256).hexdigest()[:24]


def ask_code(session: Session, msisdn: str, address: str | None, secret: str, clock: Clock) -> None:
    """Send a code to the number if it is a customer's (the same answer either way); 429 past
    the limits per address and per number, which count strangers' numbers too."""
    limits.check(session, "track-code", address, limits.TRACK_CODES_PER_HOUR, clock, window=HOUR)
    key = _number_key(msisdn, secret)
    limits.check(session, "track-number-minute", key, 1, clock)
    limits.check(session, "track-number-hour", key, PER_HOUR, clock, window=HOUR)
    request_code(session, msisdn, PURPOSE, now=clock.now())


def code_expired(asked_at: datetime, now: datetime) -> bool:
    """Whether a code asked for at `asked_at` can no longer be used."""
    return now - asked_at >= VALID_FOR


def confirm(session: Session, msisdn: str, code: str, now: datetime) -> bool:
    """Whether the code is the right one for the number (used up when right; a wrong one
    counts against the code's tries)."""
    return confirm_code(session, msisdn, PURPOSE, code, now=now)


def followed(session: Session, msisdn: str, secret: str, now: datetime) -> list[Followed]:
    """The verified number's open tickets and those finished in the last 30 days."""
    customer_id = session.scalar(select(Customer.id).where(Customer.msisdn == msisdn))
    if customer_id is None:
        return []
    found = []
    for ticket_id in followed_ticket_ids(session, customer_id, now - RECENT):
        found.append(Followed(progress_of(session, ticket_id), tracking_token(ticket_id, secret)))
    return found
