"""Contact forecast by interval (话务预测): a day-level model times each weekday's intraday shape.

The day level is an exponential-smoothing state-space model (statsforecast's AutoETS, chosen
by AICc) over the totals of the open days, with the week's open days as its season; each
weekday's intraday profile is its share of the day per slot, averaged over recent weeks
(half that weekday's own, half every open day's). Special days come from the stations'
calendar (public holidays, adjusted working days — 调休): they are taken out of the level
series (replaced by the same weekday a week before) and scaled by how such days ran against
normal ones in the history. Only open slots are forecast (see `opening`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import numpy as np

from closeloop.kit.errors import InvalidInput
from closeloop.workforce.opening import Slot, next_open, open_slots, slot_of, slots_per_weekday

# date → "holiday", "workday" (an adjusted working day) or None (an ordinary day)
DayKind = Callable[[date], str | None]
PROFILE_WEEKS = 8
FACTOR_RANGE = (0.05, 3.0)


def ordinary(_: date) -> str | None:
    """A calendar with no special days."""
    return None


@dataclass(frozen=True)
class Point:
    """Contacts in the interval starting at `start`."""

    start: datetime
    contacts: float


class ForecastError(InvalidInput):
    """The history cannot be forecast (names what is wrong)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, [{"loc": ["history"], "msg": detail}])


@dataclass(frozen=True)
class _Days:
    """The open-day sequence: dates, totals (special days replaced) and special-day ratios."""

    dates: list[date]
    totals: np.ndarray
    factors: dict[str, float]


def _day_totals(history: Sequence[Point], tz: tzinfo, slots: frozenset[Slot]) -> dict[date, float]:
    """Totals of the complete days (every open slot present; a partial last day is left out)."""
    totals: dict[date, float] = {}
    counts: dict[date, int] = {}
    for point in history:
        if slot_of(point.start, tz) in slots:
            day = point.start.astimezone(tz).date()
            totals[day] = totals.get(day, 0.0) + point.contacts
            counts[day] = counts.get(day, 0) + 1
    per_weekday = {d: len(m) for d, m in slots_per_weekday(slots).items()}
    return {d: t for d, t in totals.items() if counts[d] >= per_weekday.get(d.weekday(), 0)}


def _open_dates(first: date, last: date, weekdays: set[int]) -> list[date]:
    return [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + timedelta(days=i)).weekday() in weekdays
    ]


def _week_before(values: dict[date, float], day: date) -> float | None:
    for weeks in range(1, 5):
        found = values.get(day - timedelta(days=7 * weeks))
        if found is not None:
            return found
    return None


def _level_series(totals: dict[date, float], weekdays: set[int], kind: DayKind) -> _Days:
    """Open-day totals in order; missing and special days imputed, special days' ratios kept."""
    dates = _open_dates(min(totals), max(totals), weekdays)
    filled: dict[date, float] = {}
    ratios: dict[str, list[float]] = {}
    weekday_mean = {
        w: float(np.mean([t for d, t in totals.items() if d.weekday() == w] or [0.0]))
        for w in weekdays
    }
    for day in dates:
        normal = _week_before(filled, day)
        if normal is None:
            normal = weekday_mean[day.weekday()]
        special = kind(day)
        actual = totals.get(day)
        if actual is not None and special and normal > 0:
            ratios.setdefault(special, []).append(actual / normal)
        filled[day] = actual if actual is not None and not special else normal
    factors = {k: float(np.clip(np.mean(v), *FACTOR_RANGE)) for k, v in ratios.items()}
    return _Days(dates, np.array([filled[d] for d in dates], dtype=float), factors)


def _levels(days: _Days, horizon_days: int, season: int) -> np.ndarray:
    """The next `horizon_days` open days' totals: AutoETS when two seasons of history exist."""
    series = days.totals
    if len(series) >= 2 * season + 2 and float(series.std()) > 0:
        from statsforecast.models import AutoETS

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = AutoETS(season_length=season if season > 1 else 1, model="ZZZ")
            model.fit(series)
            predicted: np.ndarray = np.asarray(model.predict(h=horizon_days)["mean"], dtype=float)
        if np.all(np.isfinite(predicted)):
            clipped: np.ndarray = np.clip(predicted, 0, None)
            return clipped
    recent = series[-season:] if season > 0 else series
    repeated: np.ndarray = np.resize(recent, horizon_days).astype(float)
    return repeated  # seasonal naive for a short history


def _profiles(
    history: Sequence[Point], tz: tzinfo, slots: frozenset[Slot], totals: dict[date, float]
) -> dict[Slot, float]:
    """Each open slot's share of its day: half its weekday's recent mean, half all days'."""
    recent = sorted(totals)[-PROFILE_WEEKS * 7 :]
    keep = set(recent)
    share: dict[tuple[date, int], float] = {}
    for point in history:
        local = point.start.astimezone(tz)
        day = local.date()
        if day in keep and totals[day] > 0 and slot_of(point.start, tz) in slots:
            share[(day, local.hour * 60 + local.minute)] = point.contacts / totals[day]
    by_slot: dict[Slot, list[float]] = {}
    pooled: dict[int, list[float]] = {}
    for (day, minute), value in share.items():
        by_slot.setdefault((day.weekday(), minute), []).append(value)
        pooled.setdefault(minute, []).append(value)
    pooled_mean = {m: float(np.mean(v)) for m, v in pooled.items()}
    profile = {
        slot: 0.5 * float(np.mean(values)) + 0.5 * pooled_mean[slot[1]]
        for slot, values in by_slot.items()
    }
    for weekday, minutes in slots_per_weekday(slots).items():  # renormalise each day to 1
        total = sum(profile.get((weekday, m), 0.0) for m in minutes)
        for m in minutes:
            profile[(weekday, m)] = profile.get((weekday, m), 0.0) / total if total else 0.0
    return profile


def forecast(
    history: Sequence[Point],
    horizon: int,
    interval_minutes: int,
    tz: tzinfo,
    kind: DayKind = ordinary,
    after: datetime | None = None,
) -> list[Point]:
    """Contacts in each of the next `horizon` open intervals after the history's last one
    (or after `after` when that is later)."""
    if not history:
        raise ForecastError("no history to forecast from")
    slots = open_slots([p.start for p in history], tz)
    totals = _day_totals(history, tz, slots)
    if not totals:
        raise ForecastError("the history holds no complete day of opening hours")
    weekdays = set(slots_per_weekday(slots))
    days = _level_series(totals, weekdays, kind)
    last = max(p.start for p in history)
    future = next_open(max(last, after or last), horizon, interval_minutes, slots, tz)
    if not future:
        return []
    last_future = future[-1].astimezone(tz).date()
    ahead = _open_dates(days.dates[-1] + timedelta(days=1), last_future, weekdays)
    levels = dict(zip(ahead, _levels(days, len(ahead), len(weekdays)), strict=True))
    profile = _profiles(history, tz, slots, totals)
    points = []
    for start in future:
        day = start.astimezone(tz).date()
        special = kind(day)
        factor = days.factors.get(special, 1.0) if special else 1.0
        value = levels.get(day, 0.0) * profile.get(slot_of(start, tz), 0.0) * factor
        points.append(Point(start, max(0.0, value)))
    return points
