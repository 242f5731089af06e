"""Rules of a technician's visit window (上门预约时段), pure: what makes a window acceptable.

A window starts before it ends, is not in the past, lasts at most `LONGEST`, and — when the
station keeps business hours — lies inside one of its opening intervals of one local day (a
station open around the clock takes any time)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from closeloop.organisation.calendar import WorkCalendar

LONGEST = timedelta(hours=8)
SHORTEST = timedelta(minutes=15)


def window_problem(
    start: datetime, end: datetime, now: datetime, calendar: WorkCalendar | None
) -> tuple[str, str] | None:
    """The field at fault and why, or None when the window is acceptable."""
    if start.tzinfo is None or end.tzinfo is None:
        return "start", "give the time with its offset, e.g. 2026-12-08T09:00:00+08:00"
    if start < now:
        return "start", "the visit cannot start in the past"
    if end <= start:
        return "end", "the visit window must end after it starts"
    if end - start < SHORTEST:
        return "end", "the visit window must last at least 15 minutes"
    if end - start > LONGEST:
        return "end", "the visit window may last at most 8 hours"
    if calendar is None or calendar.always_open:
        return None
    day = start.astimezone(calendar.tz).date()
    if not any(open_ <= start and end <= close for open_, close in calendar.windows(day)):
        return "start", "the visit window must lie within the station's business hours"
    return None


def window_text(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """The window as the customer reads it, in local time: 12月08日09:00–11:00."""
    first, last = start.astimezone(tz), end.astimezone(tz)
    until = f"{last:%H:%M}" if last.date() == first.date() else f"{last:%m月%d日%H:%M}"
    return f"{first:%m月%d日%H:%M}–{until}"
