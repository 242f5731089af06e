"""Ticket numbers: TT + local date + a 6-digit daily sequence, unique under concurrency."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session


def next_number(session: Session, at: datetime, tz: ZoneInfo) -> str:
    """The next number of the local day of `at` (the sequence row is locked until commit)."""
    day = at.astimezone(tz).strftime("%Y%m%d")
    # One atomic upsert: the day's first number inserts the row, every later one bumps it.
    last = session.execute(
        text(
            "INSERT INTO ticket_sequences (day, last) VALUES (:day, 1) "
            "ON CONFLICT (day) DO UPDATE SET last = ticket_sequences.last + 1 RETURNING last"
        ),
        {"day": day},
    ).scalar_one()
    if last > 999_999:
        raise OverflowError(f"more than 999999 tickets on {day}")
    return f"TT{day}{last:06d}"
