"""Quiet periods (闲时): the quiet days of the month and of the week and the quiet hours of the
day, found in a volume history (seed 002, Qingdao: schedule around them).

Pure. A period is quiet when its mean volume is at most `ratio` (default 0.8) of the mean over
all periods of its kind that had contacts; each comes back with its index (its mean ÷ the
overall mean), quietest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

QUIET_RATIO = 0.8


@dataclass(frozen=True)
class QuietPeriod:
    """A day of the month (1–31), a weekday (0 = Monday) or an hour (0–23) and its index."""

    period: int
    index: float


@dataclass(frozen=True)
class QuietPeriods:
    """What was found in one history."""

    days_of_month: list[QuietPeriod]
    weekdays: list[QuietPeriod]
    hours: list[QuietPeriod]


def _quiet(means: dict[int, float], ratio: float) -> list[QuietPeriod]:
    busy = [m for m in means.values() if m > 0]
    if len(busy) < 2:
        return []
    overall = sum(busy) / len(busy)
    found = [
        QuietPeriod(p, m / overall) for p, m in means.items() if m > 0 and m <= ratio * overall
    ]
    return sorted(found, key=lambda q: (q.index, q.period))


def quiet_periods(
    volumes: Iterable[tuple[datetime, float]], tz: ZoneInfo, ratio: float = QUIET_RATIO
) -> QuietPeriods:
    """Quiet days of the month and week (by daily totals) and quiet hours (by hourly totals of
    the days that had contacts), from (interval start, contacts) pairs."""
    daily: dict[date, float] = defaultdict(float)
    hourly: dict[tuple[date, int], float] = defaultdict(float)
    for at, contacts in volumes:
        local = at.astimezone(tz)
        daily[local.date()] += contacts
        hourly[(local.date(), local.hour)] += contacts
    by_dom: dict[int, list[float]] = defaultdict(list)
    by_weekday: dict[int, list[float]] = defaultdict(list)
    for day, total in daily.items():
        by_dom[day.day].append(total)
        by_weekday[day.weekday()].append(total)
    open_days = [d for d, t in daily.items() if t > 0]
    by_hour: dict[int, float] = defaultdict(float)
    for (_day, hour), total in hourly.items():
        by_hour[hour] += total
    hours = {h: t / max(1, len(open_days)) for h, t in by_hour.items()}
    return QuietPeriods(
        days_of_month=_quiet({d: sum(v) / len(v) for d, v in by_dom.items()}, ratio),
        weekdays=_quiet({d: sum(v) / len(v) for d, v in by_weekday.items()}, ratio),
        hours=_quiet(hours, ratio),
    )
