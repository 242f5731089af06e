"""Rate limits of the public channel endpoints (限流), counted in the database so every server
process sees the same count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from closeloop.channels.models import ChannelHit
from closeloop.db.hits import TableHitLog
from closeloop.kit.clock import Clock
from closeloop.kit.errors import TooManyRequests
from closeloop.kit.ratelimit import SlidingWindowLimiter

WINDOW = timedelta(minutes=1)
KEEP = timedelta(hours=1)  # the longest window any of these limits counts over
# requests a minute per client address
READS_PER_MIN = 120  # message reads, streams, typing and read receipts of the customer chat
TRACKING_PER_MIN = 30  # ticket tracking pages and verification codes
TRACK_CODES_PER_HOUR = 10  # SMS codes asked from one address to follow tickets by number


def check(
    session: Session,
    what: str,
    address: str | None,
    limit: int,
    clock: Clock,
    *,
    window: timedelta = WINDOW,
) -> None:
    """Count one request of `what` from this address (or other key); 429 past `limit` within
    `window` (a minute unless told, at most `KEEP`)."""
    log = TableHitLog(session, ChannelHit)
    limiter = SlidingWindowLimiter(log, limit, window=window, keep=KEEP, clock=clock)
    blocked = limiter.take(f"{what}:{address or 'unknown'}")
    if blocked is not None:
        raise TooManyRequests(f"too many {what} requests from this address", blocked.retry_after)
