"""Forecasts from what the database holds (预测): recorded contacts and imported history."""

from __future__ import annotations

from datetime import timedelta

from closeloop.runtime.work import Work
from closeloop.workforce.days import calendar_kind
from closeloop.workforce.forecast import ForecastError, Point, forecast
from closeloop.workforce.volumes import check_interval, interval_floor, series, volumes


def history_points(work: Work, minutes: int, channel: str | None, weeks: int) -> list[Point]:
    """The last `weeks` weeks of volumes up to now, channels summed."""
    now = work.now()
    return series(
        volumes(work.session, now - timedelta(weeks=weeks), now, minutes, work.tz, channel)
    )


def forecast_recorded(
    work: Work, horizon: int, minutes: int, channel: str | None = None, weeks: int = 12
) -> list[Point]:
    """The next `horizon` open intervals from now, forecast from the database's history."""
    check_interval(minutes)
    history = history_points(work, minutes, channel, weeks)
    if not history:
        raise ForecastError("no contacts recorded or imported in the history window")
    current = interval_floor(work.now(), minutes, work.tz)
    return forecast(
        history,
        horizon,
        minutes,
        work.tz,
        calendar_kind(work.session),
        after=current - timedelta(minutes=minutes),
    )
