"""Quiet days of the month and week and quiet hours of the day, on built series (Qingdao)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from closeloop.workforce.quiet import quiet_periods

TZ = ZoneInfo("Asia/Shanghai")


def built(days: int) -> list[tuple[datetime, float]]:
    """Hourly volumes 08–20: Sundays and the 10th–12th of each month quiet, 13–14 h quiet."""
    first = datetime(2026, 1, 1, tzinfo=TZ)
    rows = []
    for d in range(days):
        day = first + timedelta(days=d)
        for hour in range(8, 21):
            volume = 100.0
            if day.weekday() == 6:
                volume *= 0.5
            if 10 <= day.day <= 12:
                volume *= 0.6
            if hour in (13, 14):
                volume *= 0.4
            rows.append((day.replace(hour=hour), volume))
    return rows


def test_finds_the_quiet_weekday_days_of_month_and_hours() -> None:
    found = quiet_periods(built(365), TZ)
    assert [q.period for q in found.weekdays] == [6]
    assert found.weekdays[0].index < 0.6
    assert sorted(q.period for q in found.days_of_month) == [10, 11, 12]
    assert [q.period for q in found.hours] == [13, 14] or [q.period for q in found.hours] == [
        14,
        13,
    ]
    assert all(q.index < 0.8 for q in found.hours)


def test_an_even_series_has_no_quiet_periods() -> None:
    first = datetime(2026, 3, 2, tzinfo=TZ)
    even = [(first + timedelta(hours=h), 50.0) for h in range(24 * 60)]
    found = quiet_periods(even, TZ)
    assert (found.days_of_month, found.weekdays, found.hours) == ([], [], [])


def test_closed_hours_are_not_quiet_hours() -> None:
    found = quiet_periods(built(60), TZ)
    assert not {q.period for q in found.hours} & {0, 1, 2, 3, 4, 5, 6, 7, 21, 22, 23}
