"""Business calendars (工作日历) as pure data, and business-time arithmetic over them.

A calendar is open around the clock, or on working days in the opening hours of its week:
several intervals a day (a lunch break), by weekday — by default Monday–Friday between two
times. Public holidays close a day; an adjusted working day (调休上班) opens a weekend day
with the hours of the first working weekday of the week pattern.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

Interval = tuple[time, time]
# Opening hours per weekday, Monday first; an empty day is closed.
Week = tuple[tuple[Interval, ...], ...]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkCalendar:
    """When a station works, in its own time zone."""

    tz: ZoneInfo
    always_open: bool = False
    day_start: time = time(8, 30)
    day_end: time = time(17, 30)
    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    # opening hours by weekday; None: Monday–Friday from day_start to day_end
    week: Week | None = None

    def is_workday(self, day: date) -> bool:
        """Whether the station works on this local date."""
        if self.always_open or day in self.extra_workdays:
            return True
        if day in self.holidays:
            return False
        return bool(self.hours_of_weekday(day.weekday()))

    def hours_of_weekday(self, weekday: int) -> tuple[Interval, ...]:
        """The opening hours of a weekday (0 = Monday) in the week pattern."""
        if self.week is None:
            return ((self.day_start, self.day_end),) if weekday < 5 else ()
        return self.week[weekday]

    def week_hours(self) -> Week:
        """The week pattern in force, Monday first."""
        return tuple(self.hours_of_weekday(weekday) for weekday in range(7))

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """The opening hours of a local date, holidays and adjusted working days applied."""
        if day in self.extra_workdays:
            return next((h for h in map(self.hours_of_weekday, range(7)) if h), ())
        if day in self.holidays:
            return ()
        return self.hours_of_weekday(day.weekday())

    def windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening intervals as UTC instants, in order."""
        return [
            (
                datetime.combine(day, start, self.tz).astimezone(UTC),
                datetime.combine(day, end, self.tz).astimezone(UTC),
            )
            for start, end in self.hours_on(day)
        ]


def week_of(hours: Mapping[str, Sequence[Interval]]) -> Week:
    """A week pattern from hours by weekday name (`mon` … `sun`; a missing day is closed).

    Intervals must run forward and not overlap; raises ValueError naming the day otherwise."""
    unknown = sorted(set(hours) - set(WEEKDAYS))
    if unknown:
        raise ValueError(f"unknown weekday(s): {', '.join(unknown)}")
    week: list[tuple[Interval, ...]] = []
    for name in WEEKDAYS:
        intervals = tuple(sorted(hours.get(name, ())))
        for start, end in intervals:
            if end <= start:
                raise ValueError(f"{name}: {start:%H:%M}-{end:%H:%M} does not run forward")
        for (start, end), following in pairwise(intervals):
            if following[0] < end:
                raise ValueError(f"{name}: {start:%H:%M}-{end:%H:%M} overlaps the next interval")
        week.append(intervals)
    return tuple(week)


def add_business_minutes(start: datetime, minutes: int, calendar: WorkCalendar) -> datetime:
    """The instant when `minutes` of the calendar's working time have passed after `start`."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    return add_business_time(start, timedelta(minutes=minutes), calendar)


def add_business_time(start: datetime, amount: timedelta, calendar: WorkCalendar) -> datetime:
    """The instant when `amount` of the calendar's working time has passed after `start`."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if amount < timedelta():
        raise ValueError("the amount of working time must not be negative")
    if calendar.always_open:
        return start + amount
    remaining = amount
    day = start.astimezone(calendar.tz).date()
    cursor = start.astimezone(UTC)
    for _ in range(3660):  # ten years of days bounds a calendar with no working days
        for open_at, close_at in calendar.windows(day):
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
        for open_at, close_at in calendar.windows(day):
            begin, finish = max(start, open_at), min(end, close_at)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total
