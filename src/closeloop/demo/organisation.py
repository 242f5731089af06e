"""The demo operator's organisation: departments, calendars, the five stations, taxonomies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.demo.people import data
from closeloop.organisation.holidays import china_days, has_official_schedule
from closeloop.organisation.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarSchedule,
    Category,
    Cause,
    Department,
    Station,
)

DEPARTMENTS = {
    "service": "客户服务中心",
    "network": "网络运维部",
    "billing": "计费结算部",
    "vas": "增值业务部",
    "field": "装维服务中心",
}

CALENDARS: dict[str, dict[str, Any]] = {
    "always": {"name": "7×24小时", "always_open": True},
    "office": {
        "name": "工作日 08:30–17:30（含法定节假日与调休）",
        "always_open": False,
        "day_start": "08:30",
        "day_end": "17:30",
    },
    "field": {
        "name": "装维 08:00–20:00 工作日（含法定节假日与调休）",
        "always_open": False,
        "day_start": "08:00",
        "day_end": "20:00",
    },
}

# code → (name, department, calendar)
STATIONS = {
    "wireless": ("无线中心", "network", "office"),
    "netops": ("网管监控中心", "network", "always"),
    "billing": ("计费账务中心", "billing", "office"),
    "vas": ("增值业务部", "vas", "office"),
    "field": ("装维中心", "field", "field"),
}


def _add_missing(session: Session, model: type[Any], key: str, rows: list[dict[str, Any]]) -> int:
    column = getattr(model, key)
    existing = set(session.scalars(select(column)))
    new = [model(**row) for row in rows if row[key] not in existing]
    session.add_all(new)
    session.flush()
    return len(new)


def seed_calendar_days(session: Session, timezone: str, years: range, at: datetime) -> int:
    """Holidays and adjusted working days for every calendar that follows them."""
    existing = {(d.calendar_code, d.day) for d in session.scalars(select(CalendarDay))}
    calendars = session.scalars(
        select(BusinessCalendar).where(
            BusinessCalendar.follows_public_holidays.is_(True),
            BusinessCalendar.always_open.is_(False),
        )
    ).all()
    added = 0
    known = {(s.calendar_code, s.year) for s in session.scalars(select(CalendarSchedule))}
    for year in years:
        if has_official_schedule(year):
            session.add_all(
                CalendarSchedule(
                    calendar_code=c.code, year=year, source="chinesecalendar",
                    loaded_at=at, loaded_by="seed",
                )
                for c in calendars
                if (c.code, year) not in known
            )  # fmt: skip
        for day, (is_workday, note) in sorted(china_days(year).items()):
            for calendar in calendars:
                if (calendar.code, day) not in existing:
                    session.add(
                        CalendarDay(
                            calendar_code=calendar.code, day=day, is_workday=is_workday, note=note
                        )
                    )
                    added += 1
    session.flush()
    return added


def seed_organisation(
    session: Session, timezone: str, years: range, at: datetime
) -> dict[str, int]:
    """Departments, calendars, stations, categories and causes; only what is missing."""
    counts = {
        "departments": _add_missing(
            session, Department, "code", [{"code": c, "name": n} for c, n in DEPARTMENTS.items()]
        ),
        "calendars": _add_missing(
            session,
            BusinessCalendar,
            "code",
            [{"code": c, "timezone": timezone, **spec} for c, spec in CALENDARS.items()],
        ),
        "stations": _add_missing(
            session,
            Station,
            "code",
            [
                {"code": c, "name": n, "department_code": d, "calendar_code": cal}
                for c, (n, d, cal) in STATIONS.items()
            ],
        ),
    }
    counts["calendar_days"] = seed_calendar_days(session, timezone, years, at)
    categories = [
        {
            "code": c["code"],
            "name": c["name"],
            "parent": c["parent"],
            "level": c["level"],
            "station_code": c.get("station"),
        }
        for c in sorted(data("categories.json"), key=lambda c: c["level"])
    ]
    counts["categories"] = _add_missing(session, Category, "code", categories)
    causes = sorted(data("causes.json"), key=lambda c: c["level"])
    counts["causes"] = _add_missing(session, Cause, "code", causes)
    return counts
