"""Ticket numbers: TT + local date + a 6-digit daily sequence, unique under concurrency."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

# One atomic upsert: the day's first number inserts the row, every later one bumps it.
_TAKE = text(
    "INSERT INTO ticket_sequences (day, last) VALUES (:day, 1) "
    "ON CONFLICT (day) DO UPDATE SET last = ticket_sequences.last + 1 RETURNING last"
)


_TAKE_MANY = text(
    "INSERT INTO ticket_sequences (day, last) VALUES (:day, :count) "
    "ON CONFLICT (day) DO UPDATE SET last = ticket_sequences.last + :count RETURNING last"
)


def next_numbers(session: Session, at: datetime, tz: ZoneInfo, count: int) -> list[str]:
    """`count` consecutive numbers of the local day of `at`, taken in one statement (a bulk
    open); on PostgreSQL in a short transaction of its own, as `next_number` does."""
    if count <= 0:
        return []
    day = at.astimezone(tz).strftime("%Y%m%d")
    database = session.info.get("database")
    if database is not None and database.dialect == "postgresql":
        with database.own_transaction() as own:
            last = own.execute(_TAKE_MANY, {"day": day, "count": count}).scalar_one()
    else:
        last = session.execute(_TAKE_MANY, {"day": day, "count": count}).scalar_one()
    if last > 999_999:
        raise OverflowError(f"more than 999999 tickets on {day}")
    return [f"TT{day}{n:06d}" for n in range(last - count + 1, last + 1)]


def next_number(session: Session, at: datetime, tz: ZoneInfo) -> str:
    """The next number of the local day of `at`.

    On PostgreSQL the number is taken in a short transaction of its own, like a sequence:
    the day's row is locked for one statement, not until the creating transaction commits,
    so concurrent creates do not queue behind each other. A create that fails after taking
    its number leaves a gap; numbers stay unique and increasing. On SQLite, writers are
    serialised anyway, so the number is taken inside the creating transaction.
    """
    day = at.astimezone(tz).strftime("%Y%m%d")
    database = session.info.get("database")
    if database is not None and database.dialect == "postgresql":
        with database.own_transaction() as own:
            last = own.execute(_TAKE, {"day": day}).scalar_one()
    else:
        last = session.execute(_TAKE, {"day": day}).scalar_one()
    if last > 999_999:
        raise OverflowError(f"more than 999999 tickets on {day}")
    return f"TT{day}{last:06d}"
