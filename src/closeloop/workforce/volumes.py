"""Contact volumes by interval and channel (话务量): recorded contacts and imported history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.customers.models import Contact
from closeloop.kit.errors import InvalidInput
from closeloop.runtime.work import Work
from closeloop.workforce.forecast import Point
from closeloop.workforce.history_file import HistoryRow
from closeloop.workforce.models import IntervalVolume

INTERVALS = (15, 30, 60)


def check_interval(minutes: int, loc: str = "interval") -> int:
    """15, 30 or 60, else a 422 naming the field."""
    if minutes not in INTERVALS:
        raise InvalidInput(
            f"{loc} must be 15, 30 or 60 minutes",
            [{"loc": ["query", loc], "msg": "must be 15, 30 or 60"}],
        )
    return minutes


def interval_floor(at: datetime, minutes: int, tz: ZoneInfo) -> datetime:
    """The start of the interval holding `at` (intervals aligned on the local hour)."""
    local = at.astimezone(tz)
    start = local.replace(minute=local.minute - local.minute % minutes, second=0, microsecond=0)
    return start.astimezone(UTC)


@dataclass(frozen=True)
class Volume:
    """Contacts of one interval and channel."""

    interval_start: datetime
    channel: str
    contacts: int


def recorded(
    session: Session, start: datetime, end: datetime, minutes: int, tz: ZoneInfo,
    channel: str | None = None,
) -> list[Volume]:  # fmt: skip
    """Contacts recorded in CloseLoop in [start, end), by interval and channel."""
    query = select(Contact.at, Contact.channel).where(Contact.at >= start, Contact.at < end)
    if channel:
        query = query.where(Contact.channel == channel)
    counts: dict[tuple[datetime, str], int] = defaultdict(int)
    for at, kind in session.execute(query):
        counts[(interval_floor(at, minutes, tz), kind)] += 1
    return [Volume(at, kind, n) for (at, kind), n in sorted(counts.items())]


def imported(
    session: Session, start: datetime, end: datetime, minutes: int, channel: str | None = None
) -> list[Volume]:
    """Imported history in [start, end) at that interval length."""
    query = select(IntervalVolume).where(
        IntervalVolume.interval_start >= start,
        IntervalVolume.interval_start < end,
        IntervalVolume.interval_minutes == minutes,
    )
    if channel:
        query = query.where(IntervalVolume.channel == channel)
    rows = session.scalars(query.order_by(IntervalVolume.interval_start))
    return [Volume(r.interval_start, r.channel, r.contacts) for r in rows]


def volumes(
    session: Session, start: datetime, end: datetime, minutes: int, tz: ZoneInfo,
    channel: str | None = None,
) -> list[Volume]:  # fmt: skip
    """Volumes by interval and channel: the phone system's history where it was imported
    (it counts every call, answered or not), else the contacts recorded in CloseLoop."""
    merged = {
        (v.interval_start, v.channel): v
        for v in recorded(session, start, end, minutes, tz, channel)
    }
    merged.update(
        {(v.interval_start, v.channel): v for v in imported(session, start, end, minutes, channel)}
    )
    return [merged[k] for k in sorted(merged)]


def series(volumes_: Iterable[Volume]) -> list[Point]:
    """Channels summed into one series of points, in time order."""
    totals: dict[datetime, float] = defaultdict(float)
    for v in volumes_:
        totals[v.interval_start] += v.contacts
    return [Point(at, n) for at, n in sorted(totals.items())]


def import_history(
    work: Work, rows: list[HistoryRow], minutes: int, channel: str = "hotline"
) -> tuple[int, int]:
    """Store history rows (a row for an interval already held replaces it); (new, replaced)."""
    if not rows:
        return 0, 0
    starts = [r.interval_start for r in rows]
    existing = {
        v.interval_start: v
        for v in work.session.scalars(
            select(IntervalVolume).where(
                IntervalVolume.channel == channel,
                IntervalVolume.interval_minutes == minutes,
                IntervalVolume.interval_start >= min(starts),
                IntervalVolume.interval_start <= max(starts),
            )
        )
    }
    now, new = work.now(), 0
    for row in rows:
        held = existing.get(row.interval_start)
        if held is None:
            new += 1
            held = IntervalVolume(
                channel=channel, interval_start=row.interval_start, interval_minutes=minutes
            )
            work.session.add(held)
        held.contacts, held.aht_seconds, held.imported_at = row.contacts, row.aht_seconds, now
    audit.record(
        work.session, work.actor, "wfm.history.import", "wfm_interval_volumes", channel,
        f"{len(rows)} intervals of {minutes} min from {min(starts).isoformat()} "
        f"to {max(starts).isoformat()}: {new} new, {len(rows) - new} replaced",
        clock=work.clock,
    )  # fmt: skip
    return new, len(rows) - new


def mean_aht(session: Session, channel: str, default: float) -> float:
    """The contacts-weighted mean handling time of the imported history, else `default`."""
    rows = session.execute(
        select(IntervalVolume.contacts, IntervalVolume.aht_seconds).where(
            IntervalVolume.channel == channel, IntervalVolume.aht_seconds.is_not(None)
        )
    ).all()
    weight = sum(c for c, _ in rows)
    return sum(c * (a or 0.0) for c, a in rows) / weight if weight else default


WEEK = timedelta(days=7)
