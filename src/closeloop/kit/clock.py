"""The one source of time; domain code never calls datetime.now() itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    """Wall-clock time as aware UTC datetimes."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)

    def local_date(self, tz: ZoneInfo) -> date:
        """Today's date where the operator is (articles' validity, searches)."""
        return self.now().astimezone(tz).date()


class FixedClock(Clock):
    """A clock that stands still until moved (tests, `--at` replays)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._at += delta


system_clock = Clock()
