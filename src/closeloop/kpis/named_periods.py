"""Periods by name (报表周期), as pure functions: a month `2026-11`, a quarter `2026-Q4` or an
ISO week `2026-W49`, as [start, end) in UTC, with the period of the same kind just before it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from closeloop.kit.errors import InvalidInput
from closeloop.kpis.periods import Period, midnight

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class NamedPeriod:
    """A month, quarter or week: its name, kind and local days [first, until)."""

    name: str
    kind: str  # month, quarter or week
    first: date
    until: date

    def period(self, tz: ZoneInfo) -> Period:
        """As [start, end) in UTC."""
        return Period(midnight(self.first, tz), midnight(self.until, tz), tz)

    @property
    def last(self) -> date:
        """The last day it covers."""
        return self.until - timedelta(days=1)

    def previous(self) -> NamedPeriod:
        """The month, quarter or week just before."""
        return _named(self.kind, self.first - timedelta(days=1))

    def next(self) -> NamedPeriod:
        """The month, quarter or week just after."""
        return _named(self.kind, self.until)


def _months_after(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, 1)


def _named(kind: str, day: date) -> NamedPeriod:
    """The period of this kind holding a day."""
    if kind == "week":
        year, week, weekday = day.isocalendar()
        first = day - timedelta(days=weekday - 1)
        return NamedPeriod(f"{year}-W{week:02d}", kind, first, first + timedelta(days=7))
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        return NamedPeriod(f"{day.year}-Q{quarter}", kind, first, _months_after(first, 3))
    first = day.replace(day=1)
    return NamedPeriod(f"{day.year}-{day.month:02d}", "month", first, _months_after(first, 1))


def month_of(day: date) -> NamedPeriod:
    """The month holding a day."""
    return _named("month", day)


def quarter_of(day: date) -> NamedPeriod:
    """The quarter holding a day."""
    return _named("quarter", day)


def week_of(day: date) -> NamedPeriod:
    """The ISO week (Monday to Sunday) holding a day."""
    return _named("week", day)


def parse(
    text: str, field: str | list[str | int] = "period", kinds: tuple[str, ...] = ()
) -> NamedPeriod:
    """`2026-11`, `2026-Q4` or `2026-W49` (only `kinds` when given); 422 naming the field."""
    allowed = kinds or ("month", "quarter", "week")
    value = text.strip()
    found: NamedPeriod | None = None
    try:
        if (m := MONTH.match(value)) and "month" in allowed:
            found = month_of(date(int(m[1]), int(m[2]), 1))
        elif (m := QUARTER.match(value)) and "quarter" in allowed:
            found = quarter_of(date(int(m[1]), 3 * int(m[2]) - 2, 1))
        elif (m := WEEK.match(value)) and "week" in allowed:
            found = week_of(date.fromisocalendar(int(m[1]), int(m[2]), 1))
    except ValueError:
        found = None
    if found is None:
        examples = {"month": "2026-11", "quarter": "2026-Q4", "week": "2026-W49"}
        wanted = " or ".join(f"a {k} like {examples[k]}" for k in allowed)
        raise InvalidInput.field(field, f"must be {wanted}: {text!r}")
    return found
