"""Read access to stations, calendars and taxonomies; loading a station's calendar."""

from __future__ import annotations

from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.kit.durations import minutes_to_iso
from closeloop.kit.errors import NotFound
from closeloop.organisation.calendar import WEEKDAYS, Week, WorkCalendar
from closeloop.organisation.choices import SEVERITIES
from closeloop.organisation.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarHours,
    Category,
    Cause,
    Department,
    Station,
)


def list_stations(session: Session) -> list[Station]:
    """Every station, by code."""
    return list(session.scalars(select(Station).order_by(Station.code)))


def get_station(session: Session, code: str) -> Station:
    """One station, or 404."""
    station = session.get(Station, code)
    if station is None:
        raise NotFound(f"no station {code!r}")
    return station


def station_out(station: Station) -> dict[str, Any]:
    """A station as the API shows it, time limits as ISO 8601 durations."""
    return {
        "code": station.code,
        "name": station.name,
        "department": station.department_code,
        "calendar": station.calendar_code,
        "accept_within": minutes_to_iso(station.accept_minutes),
        "time_limits": {s: minutes_to_iso(station.limit_minutes(s)) for s in SEVERITIES.codes},
    }


def list_departments(session: Session) -> list[Department]:
    """Every department, by code."""
    return list(session.scalars(select(Department).order_by(Department.code)))


def list_categories(session: Session, level: int | None = None) -> list[Category]:
    """The category taxonomy in code order, optionally one level."""
    query = select(Category).order_by(Category.code)
    if level is not None:
        query = query.where(Category.level == level)
    return list(session.scalars(query))


def list_causes(session: Session) -> list[Cause]:
    """The cause taxonomy in code order."""
    return list(session.scalars(select(Cause).order_by(Cause.code)))


def taxonomy_out(node: Category | Cause) -> dict[str, Any]:
    """A taxonomy node as the API shows it."""
    return {"code": node.code, "name": node.name, "parent": node.parent, "level": node.level}


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def load_calendar(session: Session, code: str) -> WorkCalendar:
    """A business calendar with its holiday and adjusted-workday exceptions."""
    row = session.get(BusinessCalendar, code)
    if row is None:
        raise NotFound(f"no calendar {code!r}")
    holidays: set[Any] = set()
    workdays: set[Any] = set()
    if row.follows_public_holidays and not row.always_open:
        for day in session.scalars(select(CalendarDay).where(CalendarDay.calendar_code == code)):
            (workdays if day.is_workday else holidays).add(day.day)
    return WorkCalendar(
        tz=ZoneInfo(row.timezone),
        always_open=row.always_open,
        day_start=_hhmm(row.day_start),
        day_end=_hhmm(row.day_end),
        holidays=frozenset(holidays),
        extra_workdays=frozenset(workdays),
        week=_week(session, code),
    )


def _week(session: Session, code: str) -> Week | None:
    """The calendar's weekly opening hours, or None when it keeps the Monday–Friday default."""
    rows = session.scalars(
        select(CalendarHours)
        .where(CalendarHours.calendar_code == code)
        .order_by(CalendarHours.weekday, CalendarHours.start)
    ).all()
    if not rows:
        return None
    days: list[list[tuple[time, time]]] = [[] for _ in WEEKDAYS]
    for r in rows:
        days[r.weekday].append((_hhmm(r.start), _hhmm(r.end)))
    return tuple(tuple(d) for d in days)


def week_out(week: Week) -> dict[str, list[dict[str, str]]]:
    """Opening hours by weekday name, as the API shows them."""
    return {
        name: [{"start": f"{s:%H:%M}", "end": f"{e:%H:%M}"} for s, e in intervals]
        for name, intervals in zip(WEEKDAYS, week, strict=True)
    }


def calendar_out(session: Session, code: str) -> dict[str, Any]:
    """A calendar with its exceptions, for the API."""
    row = session.get(BusinessCalendar, code)
    if row is None:
        raise NotFound(f"no calendar {code!r}")
    days = session.scalars(
        select(CalendarDay).where(CalendarDay.calendar_code == code).order_by(CalendarDay.day)
    )
    calendar = load_calendar(session, code)
    return {
        "code": row.code,
        "name": row.name,
        "timezone": row.timezone,
        "always_open": row.always_open,
        "hours": None if row.always_open else {"start": row.day_start, "end": row.day_end},
        "week": None if calendar.always_open else week_out(calendar.week_hours()),
        "exceptions": [
            {"date": d.day.isoformat(), "workday": d.is_workday, "note": d.note} for d in days
        ],
    }
