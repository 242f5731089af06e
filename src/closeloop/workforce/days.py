"""Special days for the forecast (节假日与调休): from the stations' calendar, or the national
schedule when no database is at hand."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy.orm import Session

from closeloop.organisation.calendars import national_calendars
from closeloop.organisation.holidays import china_days
from closeloop.organisation.service import load_calendar
from closeloop.workforce.forecast import DayKind


@cache
def _national_year(year: int) -> dict[date, tuple[bool, str]]:
    return china_days(year)


def national_kind(day: date) -> str | None:
    """ "holiday", "workday" (调休上班) or None by the State Council's schedule."""
    found = _national_year(day.year).get(day)
    if found is None:
        return None
    return "workday" if found[0] else "holiday"


def calendar_kind(session: Session) -> DayKind:
    """The special days of the calendar the stations follow for national holidays (the first
    such calendar); the national schedule when there is none."""
    codes = national_calendars(session)
    if not codes:
        return national_kind
    calendar = load_calendar(session, codes[0])
    holidays, workdays = calendar.holidays, calendar.extra_workdays

    def kind(day: date) -> str | None:
        if day in workdays:
            return "workday"
        return "holiday" if day in holidays else None

    return kind
