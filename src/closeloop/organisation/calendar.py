"""Business calendars (工作日历) as pure data, and business-time arithmetic over them.

A calendar is open around the clock, or on working days between two times of day. Working
days are Monday–Friday, minus public holidays, plus adjusted working days (调休上班).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class WorkCalendar:
    """When a station works, in its own time zone."""

    tz: ZoneInfo
    always_open: bool = False
    day_start: time = time(8, 30)
    day_end: time = time(17, 30)
    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        """Whether the station works on this local date."""
        if self.always_open or day in self.extra_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def _window(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.day_start, self.tz)
        end = datetime.combine(day, self.day_end, self.tz)
        return start.astimezone(UTC), end.astimezone(UTC)


def add_business_minutes(start: datetime, minutes: int, calendar: WorkCalendar) -> datetime:
    """The instant when `minutes` of the calendar's working time have passed after `start`."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if calendar.always_open:
        return start + timedelta(minutes=minutes)
    remaining = timedelta(minutes=minutes)
    day = start.astimezone(calendar.tz).date()
    cursor = start.astimezone(UTC)
    for _ in range(3660):  # ten years of days bounds a calendar with no working days
        if calendar.is_workday(day):
            open_at, close_at = calendar._window(day)
            begin = max(cursor, open_at)
            if begin < close_at:
                available = close_at - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("calendar has no working time in the next ten years")


def business_minutes_between(start: datetime, end: datetime, calendar: WorkCalendar) -> int:
    """Whole minutes of working time from `start` to `end` (0 when end is not after start)."""
    return int(business_time_between(start, end, calendar).total_seconds() // 60)


def business_time_between(start: datetime, end: datetime, calendar: WorkCalendar) -> timedelta:
    """Working time from `start` to `end`, to the microsecond (zero when end is not after start)."""
    if end <= start:
        return timedelta()
    if calendar.always_open:
        return end - start
    total = timedelta()
    day = start.astimezone(calendar.tz).date()
    last = end.astimezone(calendar.tz).date()
    while day <= last:
        if calendar.is_workday(day):
            open_at, close_at = calendar._window(day)
            begin, finish = max(start, open_at), min(end, close_at)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total
