"""The organisation kernel's events, raised inside the transaction that made the change."""

from __future__ import annotations

from dataclasses import dataclass

from closeloop.organisation.calendar import WorkCalendar
from closeloop.runtime.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CalendarChanged(DomainEvent):
    """A business calendar's days or hours changed (日历变更): deadlines counted in it move."""

    calendar: str
    before: WorkCalendar
    after: WorkCalendar


@dataclass(frozen=True, kw_only=True)
class StationCalendarChanged(DomainEvent):
    """A station now works to another business calendar: its running deadlines move to it."""

    station: str
    before: WorkCalendar
    after: WorkCalendar
