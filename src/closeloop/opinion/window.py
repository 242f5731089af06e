"""Reading `from` / `to` (时间范围): a date (whole days in the operator's time zone) or an
instant with an offset. Pure."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from closeloop.kit.errors import InvalidInput


def bound(value: str | None, name: str, tz: ZoneInfo, *, end: bool) -> datetime | None:
    """The instant a `from` (start of the day) or `to` (end of the day, exclusive) stands for."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime.combine(day, time(), tz)
            return start + timedelta(days=1) if end else start
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput.field(
            ["query", name], "a date YYYY-MM-DD or an ISO 8601 instant"
        ) from exc
    if instant.tzinfo is None:
        raise InvalidInput.field(["query", name], "an instant needs an offset, e.g. +08:00")
    return instant


def period_key(instant: datetime, by: str, tz: ZoneInfo) -> str:
    """The day (2026-12-07), ISO week (2026-W49) or month (2026-12) of an instant."""
    local = instant.astimezone(tz)
    if by == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{local.year}-{local.month:02d}"
    return local.date().isoformat()
