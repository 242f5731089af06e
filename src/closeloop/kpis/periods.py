"""Periods and groupings of time (统计周期), as pure functions: a query's [from, to), the local
days it covers, and the day, week and month buckets a value can be grouped by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TIME_GROUPINGS = ("day", "week", "month")
GROUPINGS = ("station", "region", "channel", "category", "agent", *TIME_GROUPINGS)


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the zone whose days, weeks and months group it."""

    start: datetime
    end: datetime
    tz: ZoneInfo

    def whole_days(self) -> tuple[date, date] | None:
        """The local days [first, last) when both ends are local midnights, else None."""
        first, last = self.start.astimezone(self.tz), self.end.astimezone(self.tz)
        if first.time() != time() or last.time() != time():
            return None
        return first.date(), last.date()


def instant(value: date | datetime, tz: ZoneInfo) -> datetime:
    """A date is its midnight in the zone; a time without an offset is in the zone; UTC out."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tz)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def midnight(day: date, tz: ZoneInfo) -> datetime:
    """A local day's start as a UTC instant."""
    return datetime.combine(day, time(), tz).astimezone(UTC)


def label(day: date, by: str) -> str:
    """The bucket a local day falls in: 2026-12-07, 2026-W50 (ISO week) or 2026-12."""
    if by == "day":
        return day.isoformat()
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class Bucket:
    """One group of a time grouping: its label and its [start, end) in UTC, cut to the period."""

    label: str
    start: datetime
    end: datetime


def buckets(period: Period, by: str) -> list[Bucket]:
    """The day, week or month buckets the period covers, in order, cut to the period."""
    found: list[Bucket] = []
    day = period.start.astimezone(period.tz).date()
    while midnight(day, period.tz) < period.end:
        name = label(day, by)
        start = max(midnight(day, period.tz), period.start)
        end = min(midnight(day + timedelta(days=1), period.tz), period.end)
        if found and found[-1].label == name:
            found[-1] = Bucket(name, found[-1].start, end)
        else:
            found.append(Bucket(name, start, end))
        day += timedelta(days=1)
    return found


def previous(period: Period) -> Period:
    """The period of the same length just before this one (a month before a month)."""
    days = period.whole_days()
    if days is not None and days[0].day == 1 and days[1].day == 1:
        months = (days[1].year - days[0].year) * 12 + days[1].month - days[0].month
        year, month = divmod(days[0].year * 12 + days[0].month - 1 - months, 12)
        start = midnight(date(year, month + 1, 1), period.tz)
        return Period(start, period.start, period.tz)
    return Period(period.start - (period.end - period.start), period.start, period.tz)
