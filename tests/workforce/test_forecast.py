"""The interval forecast over opening hours, on built series (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from closeloop.workforce.forecast import ForecastError, Point, forecast
from closeloop.workforce.opening import interval_of, next_open, open_slots

TZ = ZoneInfo("Asia/Shanghai")


def office_history(weeks: int, *, noise: float = 0.0, holiday: date | None = None) -> list[Point]:
    """Mon–Fri 08:00–17:30 half-hours (19 a day), rising to a noon peak; Mondays busier."""
    rng = np.random.default_rng(7)
    first = datetime(2026, 9, 7, 8, 0, tzinfo=TZ)  # a Monday
    points = []
    for d in range(weeks * 7):
        day = first + timedelta(days=d)
        if day.weekday() >= 5:
            continue
        for slot in range(19):
            start = day + timedelta(minutes=30 * slot)
            level = 100 * (1.5 if day.weekday() == 0 else 1.0) * (1 + np.sin(np.pi * slot / 18))
            if holiday is not None and day.date() == holiday:
                level *= 0.3
            points.append(Point(start.astimezone(UTC), max(0.0, level + rng.normal(0, noise))))
    return points


def test_only_opening_hours_are_forecast_nights_and_weekends_skipped() -> None:
    history = office_history(6)
    ahead = forecast(history, 19 * 6, 30, TZ)
    assert len(ahead) == 114
    local = [p.start.astimezone(TZ) for p in ahead]
    assert all(t.weekday() < 5 and 8 <= t.hour < 18 for t in local)
    assert local[0] == datetime(2026, 10, 19, 8, 0, tzinfo=TZ)  # Monday after the last Friday
    assert local[19] == datetime(2026, 10, 20, 8, 0, tzinfo=TZ)
    assert local[-1].date() == date(2026, 10, 26)  # over the weekend to the next Monday


def test_a_regular_series_is_forecast_closely_with_its_weekday_and_intraday_shape() -> None:
    history = office_history(8, noise=5)
    ahead = forecast(history, 19 * 5, 30, TZ)
    expected = [
        100 * (1.5 if p.start.astimezone(TZ).weekday() == 0 else 1.0)
        * (1 + np.sin(np.pi * ((p.start.astimezone(TZ).hour - 8) * 2
                               + p.start.astimezone(TZ).minute // 30) / 18))
        for p in ahead
    ]  # fmt: skip
    error = np.mean(np.abs(np.array([p.contacts for p in ahead]) - expected)) / np.mean(expected)
    assert error < 0.05
    monday = [p.contacts for p in ahead[:19]]
    tuesday = [p.contacts for p in ahead[19:38]]
    assert sum(monday) > 1.3 * sum(tuesday)
    assert max(range(19), key=lambda i: tuesday[i]) == 9  # the noon peak


def test_a_holiday_in_the_calendar_is_scaled_by_how_holidays_ran_before() -> None:
    past, coming = date(2026, 10, 1), date(2026, 11, 5)  # a Thursday each
    holidays = {past, coming}
    history = office_history(8, holiday=past)
    ahead = forecast(history, 19 * 5, 30, TZ, lambda d: "holiday" if d in holidays else None)
    by_day: dict[date, float] = {}
    for p in ahead:
        day = p.start.astimezone(TZ).date()
        by_day[day] = by_day.get(day, 0.0) + p.contacts
    assert by_day[coming] == pytest.approx(0.3 * by_day[date(2026, 11, 4)], rel=0.05)
    # the past holiday did not drag down the level of ordinary days
    plain = forecast(office_history(8), 19 * 5, 30, TZ)
    assert by_day[date(2026, 11, 4)] == pytest.approx(
        sum(p.contacts for p in plain if p.start.astimezone(TZ).date() == date(2026, 11, 4)),
        rel=0.02,
    )


def test_a_partial_last_day_is_completed_not_taken_as_a_quiet_day() -> None:
    history = office_history(6)
    cut = [p for p in history if p.start < datetime(2026, 10, 16, 12, 0, tzinfo=TZ)]
    ahead = forecast(cut, 3, 30, TZ)
    assert ahead[0].start == datetime(2026, 10, 16, 12, 0, tzinfo=TZ)
    full = {p.start: p.contacts for p in history}
    for point in ahead:
        assert point.contacts == pytest.approx(full[point.start], rel=0.05)


def test_after_moves_the_forecast_start_to_now() -> None:
    history = office_history(4)
    ahead = forecast(history, 2, 30, TZ, after=datetime(2026, 10, 7, 9, 30, tzinfo=TZ))
    assert ahead[0].start == datetime(2026, 10, 7, 10, 0, tzinfo=TZ)


def test_no_history_is_a_clear_error() -> None:
    with pytest.raises(ForecastError, match="no history"):
        forecast([], 5, 30, TZ)


def test_opening_pattern_ignores_a_stray_night_row() -> None:
    history = office_history(4)
    stray = Point(datetime(2026, 9, 9, 3, 0, tzinfo=TZ), 1)
    slots = open_slots([p.start for p in [*history, stray]], TZ)
    assert (2, 180) not in slots and (2, 8 * 60) in slots
    assert len(slots) == 5 * 19
    assert interval_of([p.start for p in history]) == 30
    friday_evening = datetime(2026, 10, 2, 17, 30, tzinfo=TZ)
    assert next_open(friday_evening, 1, 30, slots, TZ)[0] == datetime(2026, 10, 5, 8, 0, tzinfo=TZ)
