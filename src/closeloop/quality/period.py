"""Periods in requests (统计周期): `from` and `to` as dates (whole local days) or as ISO 8601
instants; `to` is included either way."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from closeloop.kit.errors import InvalidInput


def _instant(text: str, tz: ZoneInfo, loc: list[str | int], *, end: bool) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(0), tzinfo=tz)
        found = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput.field(loc, "a date (YYYY-MM-DD) or an ISO 8601 time") from None
    found = found if found.tzinfo is not None else found.replace(tzinfo=tz)
    # an instant given as `to` is included: what happened at that very moment counts
    return found + timedelta(microseconds=1) if end else found


def period(
    start: str, end: str, tz: ZoneInfo, where: str | None = None
) -> tuple[datetime, datetime]:
    """[start, end) as aware instants; 422 naming the field when a bound is not a time or
    the period is empty."""
    prefix: list[str | int] = [where] if where else []
    lower = _instant(start, tz, [*prefix, "from"], end=False)
    upper = _instant(end, tz, [*prefix, "to"], end=True)
    if upper <= lower:
        raise InvalidInput.field([*prefix, "to"], "must be after from")
    return lower, upper
