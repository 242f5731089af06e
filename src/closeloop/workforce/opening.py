"""Opening hours read from history (营业时段): the weekdays and times of day a series has rows for.

Pure functions. A slot (weekday, minute of day) is open when the history has a row there on at
least half of the dates of that weekday it covers, so one stray night-time row does not open
every night. Forecasts step only through open slots: closed nights and days are skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from itertools import pairwise

Slot = tuple[int, int]  # (weekday 0 = Monday, minute of the day)


def slot_of(at: datetime, tz: tzinfo) -> Slot:
    """The weekday and minute of day of an instant, where the operator is."""
    local = at.astimezone(tz)
    return local.weekday(), local.hour * 60 + local.minute


def open_slots(starts: Iterable[datetime], tz: tzinfo) -> frozenset[Slot]:
    """The slots the history is open in (rows on at least half the dates of that weekday)."""
    seen: Counter[Slot] = Counter()
    dates_by_weekday: dict[int, set[date]] = {}
    for at in starts:
        local = at.astimezone(tz)
        seen[slot_of(at, tz)] += 1
        dates_by_weekday.setdefault(local.weekday(), set()).add(local.date())
    return frozenset(
        slot for slot, count in seen.items() if 2 * count >= len(dates_by_weekday[slot[0]])
    )


def next_open(
    after: datetime, count: int, interval_minutes: int, slots: frozenset[Slot], tz: tzinfo
) -> list[datetime]:
    """The next `count` interval starts after `after` that fall in open slots (local time)."""
    if not slots or count <= 0:
        return []
    step = timedelta(minutes=interval_minutes)
    found: list[datetime] = []
    at = after.astimezone(tz) + step
    # a closed stretch is at most a week long: beyond that no slot of the week is open
    misses, week = 0, 7 * 24 * 60 // interval_minutes + 1
    while len(found) < count and misses <= week:
        if slot_of(at, tz) in slots:
            found.append(at)
            misses = 0
        else:
            misses += 1
        at = (at + step).astimezone(tz)  # wall-clock arithmetic stays on the grid across DST
    return found


def slots_per_weekday(slots: frozenset[Slot]) -> dict[int, list[int]]:
    """Each open weekday's open minutes of the day, in order."""
    by_day: dict[int, list[int]] = {}
    for weekday, minute in sorted(slots):
        by_day.setdefault(weekday, []).append(minute)
    return by_day


def interval_of(starts: Sequence[datetime]) -> int | None:
    """The series' interval in minutes: the most common gap between consecutive starts."""
    ordered = sorted(set(starts))
    gaps = Counter(int((b - a).total_seconds() // 60) for a, b in pairwise(ordered))
    gaps.pop(0, None)
    return gaps.most_common(1)[0][0] if gaps else None
